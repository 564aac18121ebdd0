"""What each team socket may receive (information asymmetry): station detail for engineering, cash detail for
finance, the same in the snapshot, in each `round.results` frame and in previews; the roles a socket filters
by follow the facilitator's seat changes. Also the director's reopen over the socket."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from classroom.i18n_text import render
from classroom.identity import cookie_name, sign_token
from classroom.models import Participant
from config.asgi import application
from game import engine
from game.dashboards import ROLE_DASHBOARDS, summary_kpis, visible_kpis
from game.services.packages import package_approve, package_edit
from game.services.preview import package_preview
from game.services.rounds import round_advance
from game.snapshots import team_snapshot
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

db = database_sync_to_async

# KPIs only the role's own dashboard shows (nobody else's summary lists them).
PRIVATE = {role: set(rows["detail"]) - summary_kpis() for role, rows in ROLE_DASHBOARDS.items()}
STATION_DETAIL_KEYS = {"rate", "effective_rate", "wear", "pm_backlog_hours", "expected_failures_next_month",
                       "pm_hours_done", "output", "buffer_after", "buffer_capacity"}


# ---- sockets (as in test_consumers.py) ----------------------------------------------------------------

def communicator(participant):
    code = participant.session.join_code
    cookie = f"{cookie_name(code)}={sign_token(participant.rejoin_token)}"
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver"), (b"cookie", cookie.encode())]
    return WebsocketCommunicator(application, f"/ws/play/{code}/", headers=headers)


async def connect(participant):
    comm = communicator(participant)
    connected, _ = await comm.connect()
    assert connected
    snapshot = await next_frame(comm)
    assert snapshot["type"] == "state"
    return comm, snapshot


async def next_frame(comm, timeout=5):
    """The next frame that is not a presence event."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] != "presence.changed":
            return frame


async def frame_of(comm, kind, timeout=10):
    """Read frames until one of type `kind` (and return it); the ones before it are skipped."""
    while True:
        frame = await comm.receive_json_from(timeout=timeout)
        if frame["type"] == kind:
            return frame


async def drain(comm):
    out = []
    while not await comm.receive_nothing(timeout=0.2):
        out.append(await comm.receive_json_from())
    return out


def people(session, team_number=1):
    team = session.teams.get(number=team_number)
    return {seat.role: Participant.objects.select_related("session").get(pk=seat.participant_id)
            for seat in team.seats.all()}


@pytest.fixture
def seated(started_session):
    return people(started_session)


async def close_round(session, facilitator, number):
    assert await db(round_advance)(session_id=session.id, user=facilitator, round_number=number)


# ---- what a frame may hold ---------------------------------------------------------------------------

def station_lists(kpis):
    return sorted(k for k, v in kpis.items() if k.startswith("station_") and isinstance(v, list))


def assert_engineering_detail(result, plant):
    kpis = result["kpis"]
    assert station_lists(kpis), sorted(kpis)
    assert {"maintenance_backlog", "pm_compliance", "availability", "oee_bottleneck"} <= set(kpis)
    assert plant["detail"] is True
    assert plant["stations"] and all({"rate", "wear", "pm_backlog_hours"} <= set(s) for s in plant["stations"])


def assert_no_engineering_detail(result, plant):
    kpis = result["kpis"]
    assert not [k for k in kpis if k.startswith("station_")]
    assert not PRIVATE["engineering"] & set(kpis), PRIVATE["engineering"] & set(kpis)
    assert "maintenance_backlog" not in kpis and "pm_compliance" not in kpis
    assert plant["detail"] is False
    assert plant["stations"] and all(not STATION_DETAIL_KEYS & set(s) for s in plant["stations"])
    # The summary everyone sees is still there.
    assert {"failures", "unplanned_hours", "bottleneck_station"} <= set(kpis)
    assert all({"station", "bottleneck", "health"} <= set(s) for s in plant["stations"])


def assert_finance_detail(result):
    assert {"revenue", "opex", "cost_per_unit", "cash_flows"} <= set(result["kpis"])


def assert_no_finance_detail(result):
    kpis = result["kpis"]
    assert not PRIVATE["finance"] & set(kpis), PRIVATE["finance"] & set(kpis)
    assert "cash_flows" not in kpis and "revenue" not in kpis
    assert {"cash", "net_cash_flow"} <= set(kpis)  # finance's summary


def assert_reveal_within(reveal, roles):
    """Every figure the reveal quotes is one these roles may receive."""
    allowed = visible_kpis(roles) | ({"station_failures"} if "engineering" in roles else set()) \
        | ({"cash_flows"} if "finance" in roles else set()) | ({"risk_parts"} if "director" in roles else set())
    assert reveal is not None
    assert {row["kpi"] for row in reveal["kpis"]} <= visible_kpis(roles)
    for driver in reveal["drivers"]:
        assert set(driver["kpis"]) <= allowed, driver


# ---- the snapshot ------------------------------------------------------------------------------------

async def test_after_a_closed_round_the_finance_snapshot_has_cash_detail_and_no_station_detail(
        started_session, facilitator, seated):
    await close_round(started_session, facilitator, 1)
    finance, snap = await connect(seated["finance"])
    assert snap["you"]["roles"] == ["finance"]
    assert len(snap["results"]) == 1
    result = snap["results"][0]
    assert_no_engineering_detail(result, snap["plant"])
    assert_finance_detail(result)
    assert snap["plant"]["round"] == 1
    assert_reveal_within(snap["reveal"], ["finance"])
    assert "maintenance_backlog" not in {row["kpi"] for row in snap["reveal"]["kpis"]}
    assert "revenue" in {row["kpi"] for row in snap["reveal"]["kpis"]}
    await finance.disconnect()


async def test_after_a_closed_round_the_engineering_snapshot_has_station_detail_and_no_cash_detail(
        started_session, facilitator, seated):
    await close_round(started_session, facilitator, 1)
    eng, snap = await connect(seated["engineering"])
    assert snap["you"]["roles"] == ["engineering"]
    result = snap["results"][0]
    assert_engineering_detail(result, snap["plant"])
    assert_no_finance_detail(result)
    n = len(snap["plant"]["stations"])
    assert all(len(result["kpis"][k]) == n for k in station_lists(result["kpis"]))
    assert_reveal_within(snap["reveal"], ["engineering"])
    assert "maintenance_backlog" in {row["kpi"] for row in snap["reveal"]["kpis"]}
    await eng.disconnect()


# ---- round.results, per socket -----------------------------------------------------------------------

async def test_each_socket_gets_the_round_results_its_roles_may_see(started_session, facilitator, seated):
    finance, _ = await connect(seated["finance"])
    eng, _ = await connect(seated["engineering"])
    director, _ = await connect(seated["director"])
    await close_round(started_session, facilitator, 1)
    f = await frame_of(finance, "round.results")
    e = await frame_of(eng, "round.results")
    d = await frame_of(director, "round.results")
    assert f["seq"] == e["seq"] == d["seq"]
    assert f["result"]["round"] == e["result"]["round"] == 1

    assert_no_engineering_detail(f["result"], f["plant"])
    assert_finance_detail(f["result"])
    assert_reveal_within(f["reveal"], ["finance"])

    assert_engineering_detail(e["result"], e["plant"])
    assert_no_finance_detail(e["result"])
    assert_reveal_within(e["reveal"], ["engineering"])

    assert_no_engineering_detail(d["result"], d["plant"])
    assert_no_finance_detail(d["result"])
    assert {"scorecard_parts", "risk_parts", "operational_risk"} <= set(d["result"]["kpis"])
    assert "scorecard_parts" not in f["result"]["kpis"] and "risk_parts" not in e["result"]["kpis"]

    # A live frame shows what a reconnect would: the fresh snapshot's latest result, reveal and plant.
    for comm, frame, person in ((finance, f, seated["finance"]), (eng, e, seated["engineering"])):
        fresh = render(await db(team_snapshot)(participant_id=person.id), "en")  # a socket renders its messages
        assert frame["result"] == fresh["results"][-1]
        assert frame["reveal"] == fresh["reveal"]
        assert frame["plant"] == fresh["plant"]
        await comm.disconnect()
    await director.disconnect()


async def test_a_role_handed_over_changes_what_the_same_open_sockets_receive(started_session, facilitator, seated):
    from classroom.services.seat_changes import seat_assign_role

    finance, _ = await connect(seated["finance"])
    eng, _ = await connect(seated["engineering"])
    await close_round(started_session, facilitator, 1)
    before_f = await frame_of(finance, "round.results")
    before_e = await frame_of(eng, "round.results")
    assert_no_engineering_detail(before_f["result"], before_f["plant"])
    assert_engineering_detail(before_e["result"], before_e["plant"])

    # The finance person takes engineering; the engineer, left with nothing, takes finance (a swap).
    await db(seat_assign_role)(session_id=started_session.id, user=facilitator,
                               participant_id=seated["finance"].id, role="engineering")
    assert (await frame_of(finance, "session.changed"))["type"] == "session.changed"
    assert (await frame_of(eng, "session.changed"))["type"] == "session.changed"

    await close_round(started_session, facilitator, 2)
    after_f = await frame_of(finance, "round.results")
    after_e = await frame_of(eng, "round.results")
    assert after_f["result"]["round"] == after_e["result"]["round"] == 2
    # Gained engineering, lost finance.
    assert_engineering_detail(after_f["result"], after_f["plant"])
    assert_no_finance_detail(after_f["result"])
    assert_reveal_within(after_f["reveal"], ["engineering"])
    # Lost engineering, gained finance.
    assert_no_engineering_detail(after_e["result"], after_e["plant"])
    assert_finance_detail(after_e["result"])
    assert_reveal_within(after_e["reveal"], ["finance"])
    await finance.disconnect()
    await eng.disconnect()


async def test_a_role_given_on_top_adds_its_detail_and_the_previous_holder_loses_it(lobby_session, facilitator):
    """Three people, so one holds two roles: the facilitator gives one of those to a teammate, who keeps their
    own role as well."""
    from classroom.services.seat_changes import seat_assign_role
    from game.models import RoundResult

    await db(factories.join_many)(lobby_session, 3)
    await db(factories.start)(lobby_session, facilitator)
    seats = await db(people)(lobby_session)
    holders = {}
    for role, person in seats.items():
        holders.setdefault(person.id, (person, []))[1].append(role)
    doubled, (moved_role, kept_role) = next((p, roles) for p, roles in holders.values() if len(roles) == 2)
    taker, (own_role,) = next((p, roles) for p, roles in holders.values() if len(roles) == 1)

    c_doubled, snap = await connect(doubled)
    c_taker, _ = await connect(taker)
    assert snap["you"]["roles"] == [r for r in engine.ROLES if r in (moved_role, kept_role)]
    await db(seat_assign_role)(session_id=lobby_session.id, user=facilitator, participant_id=taker.id,
                               role=moved_role)
    await frame_of(c_doubled, "session.changed")
    await frame_of(c_taker, "session.changed")
    await close_round(lobby_session, facilitator, 1)
    t = await frame_of(c_taker, "round.results")
    d = await frame_of(c_doubled, "round.results")
    raw = set((await db(RoundResult.objects.get)(round__session=lobby_session, round__number=1)).kpis)
    moved, own, kept = (PRIVATE[r] & raw for r in (moved_role, own_role, kept_role))
    assert moved and own and kept
    assert moved | own <= set(t["result"]["kpis"])
    assert not moved & set(d["result"]["kpis"])
    assert kept <= set(d["result"]["kpis"])
    assert t["plant"]["detail"] is ("engineering" in (moved_role, own_role))
    assert d["plant"]["detail"] is (kept_role == "engineering")
    await c_doubled.disconnect()
    await c_taker.disconnect()


async def test_a_person_moved_to_another_team_gets_no_detail_of_the_team_they_left(lobby_session, facilitator):
    """Moved out of team 1 into a new team (where they hold every role): until their client has resynced, the
    socket is still in team 1's group, and team 1's results must not reach it with the new team's roles."""
    from classroom.services.seat_changes import seat_move

    await db(factories.join_many)(lobby_session, 8)
    await db(factories.start)(lobby_session, facilitator)
    team1 = await db(people)(lobby_session, 1)
    mover = team1["finance"]
    comm, snap = await connect(mover)
    team1_id = snap["team"]["id"]
    await db(seat_move)(session_id=lobby_session.id, user=facilitator, participant_id=mover.id, team_number="new")
    await frame_of(comm, "session.changed")
    await close_round(lobby_session, facilitator, 1)
    frames = []
    while not await comm.receive_nothing(timeout=0.5):
        frames.append(await comm.receive_json_from())
    results = [f for f in frames if f["type"] == "round.results"]
    assert results  # still in team 1's group until the resync: it hears team 1's month, in summary only
    for frame in results:
        # Whatever reaches this socket before it resyncs is filtered as for someone holding no team-1 role.
        assert_no_engineering_detail(frame["result"], frame["plant"])
        assert_no_finance_detail(frame["result"])
        assert "scorecard_parts" not in frame["result"]["kpis"]
        assert not PRIVATE["hr"] & set(frame["result"]["kpis"])
    # After the resync the socket is the new team's, where this person holds every role.
    await comm.send_json_to({"type": "resync", "id": "r1"})
    state = await frame_of(comm, "state")
    assert state["team"]["id"] != team1_id
    assert state["you"]["roles"] == list(engine.ROLES)
    assert_engineering_detail(state["results"][-1], state["plant"])
    assert_finance_detail(state["results"][-1])
    await comm.disconnect()


# ---- previews ------------------------------------------------------------------------------------------

async def test_preview_frames_carry_only_the_kpis_the_seat_may_see(seated):
    raw = await db(package_preview)(participant_id=seated["finance"].id, version=1)
    finance, _ = await connect(seated["finance"])
    eng, _ = await connect(seated["engineering"])
    for comm in (finance, eng):
        await comm.send_json_to({"type": "package.preview", "id": "pv", "version": 1})
    f = (await frame_of(finance, "preview"))["preview"]
    e = (await frame_of(eng, "preview"))["preview"]
    assert set(f["kpis"]) == set(raw["kpis"]) & visible_kpis(["finance"])
    assert set(e["kpis"]) == set(raw["kpis"]) & visible_kpis(["engineering"])
    assert {"cash", "cost_per_unit"} <= set(f["kpis"]) and "maintenance_backlog" not in f["kpis"]
    assert {"maintenance_backlog", "availability"} <= set(e["kpis"]) and "cost_per_unit" not in e["kpis"]
    # The raw preview had what was filtered out; what is kept is unchanged.
    assert "maintenance_backlog" in raw["kpis"] and "cost_per_unit" in raw["kpis"]
    assert f["kpis"]["cash"] == raw["kpis"]["cash"] and f["version"] == raw["version"] == 1
    await finance.disconnect()
    await eng.disconnect()


# ---- the director's reopen -----------------------------------------------------------------------------

@pytest.fixture
def two_teams(lobby_session, facilitator):
    """Two full teams; team 1 aligned on version 2, team 2 not (so round 1 stays open)."""
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    factories.committed(lobby_session)
    team1 = people(lobby_session, 1)
    package_edit(participant_id=team1["hr"].id, lever="overtime_share", value=0.1, base_version=1,
                 client_msg_id="h1")
    for role, person in team1.items():
        package_approve(participant_id=person.id, version=2, client_msg_id=f"a-{role}")
    return {"team1": team1, "team2": people(lobby_session, 2)}


async def test_the_director_reopens_an_aligned_package_and_every_team_socket_hears_it(two_teams):
    team1 = two_teams["team1"]
    sockets = {}
    for role, person in team1.items():
        sockets[role], snap = await connect(person)
        assert snap["package"]["aligned"] is True and snap["package"]["version"] == 2
    other, _ = await connect(two_teams["team2"]["director"])
    for comm in sockets.values():
        await drain(comm)
    await drain(other)

    await sockets["director"].send_json_to({"type": "package.reopen", "id": "r1"})
    ack = None
    for role, comm in sockets.items():
        while True:  # the director's ack and the broadcast may come in either order
            event = await next_frame(comm)
            if event["type"] == "ack":
                ack = event
            elif event["type"] == "package.updated":
                break
        package = event["package"]
        assert package["version"] == 3 and package["aligned"] is False and package["approvals"] == {}
        assert package["reopened"] is True and package["levers"]["overtime_share"] == 0.1
        assert [e["kind"] for e in event["log"]] == ["reopen"]
        assert event["log"][0]["role"] == "director" and event["log"][0]["by"] == team1["director"].display_name
        assert event["log"][0]["version"] == 3
    ack = ack or await frame_of(sockets["director"], "ack")
    assert ack["ref"] == "r1" and ack["package"]["version"] == 3
    assert not [f for f in await drain(other) if f["type"] == "package.updated"]
    for comm in (*sockets.values(), other):
        await comm.disconnect()


@pytest.mark.parametrize("role", ["finance", "engineering", "hr"])
async def test_only_the_director_may_reopen(two_teams, role):
    comm, _ = await connect(two_teams["team1"][role])
    await comm.send_json_to({"type": "package.reopen", "id": "x"})
    frame = await next_frame(comm)
    assert frame["type"] == "error" and frame["code"] == "not_your_decision" and frame["ref"] == "x"
    assert frame["message"]
    _, snap = await connect(two_teams["team1"]["director"])
    assert snap["package"]["version"] == 2 and snap["package"]["aligned"] is True
    await comm.disconnect()


async def test_reopening_a_package_that_is_not_aligned_is_refused(seated):
    director, _ = await connect(seated["director"])
    await director.send_json_to({"type": "package.reopen", "id": "n1"})
    frame = await next_frame(director)
    assert frame["type"] == "error" and frame["code"] == "not_aligned" and frame["ref"] == "n1"
    _, snap = await connect(seated["hr"])
    assert snap["package"]["version"] == 1
    await director.disconnect()
