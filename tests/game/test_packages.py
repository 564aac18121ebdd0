import pytest

from classroom.errors import Forbidden, LabError
from classroom.i18n_text import render
from classroom.models import LedgerEntry
from game import engine
from game.models import Approval, PackageVersion, Round
from game.services.packages import package_approve, package_edit
from tests import factories

# Real commits, so on-commit work (broadcasts, closing an all-aligned round) happens as in production.
pytestmark = pytest.mark.django_db(transaction=True)


def latest(session):
    return PackageVersion.objects.filter(round__session=session).order_by("-version").first()


def approve_all(session, version=None):
    factories.committed(session)
    version = version or latest(session).version
    for role in engine.ROLES:
        package_approve(participant_id=factories.holder(session, role).id, version=version,
                        client_msg_id=f"approve-{role}-{version}")


def test_edit_own_lever_makes_a_new_version_and_clears_approvals(started_session):
    hr = factories.holder(started_session, "hr")
    director = factories.holder(started_session, "director")
    factories.committed(started_session)
    package_approve(participant_id=director.id, version=1, client_msg_id="a1")
    result = package_edit(participant_id=hr.id, lever="overtime_share", value=0.2, base_version=1, client_msg_id="e1")
    assert result["version"] == 2
    assert result["levers"]["overtime_share"] == 0.2
    assert result["approvals"] == {}
    assert result["author"] == hr.display_name
    assert Approval.objects.filter(package_version__version=1).count() == 1  # history is kept


def test_cannot_edit_another_roles_lever(started_session):
    finance = factories.holder(started_session, "finance")
    with pytest.raises(Forbidden) as exc:
        package_edit(participant_id=finance.id, lever="overtime_share", value=0.2, base_version=1, client_msg_id="x")
    assert exc.value.code == "not_your_lever"
    assert "hr" in exc.value.message
    assert latest(started_session).version == 1


def test_cannot_edit_another_teams_package(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    team1, team2 = lobby_session.teams.order_by("number")
    hr1 = team1.seats.get(role="hr").participant
    package_edit(participant_id=hr1.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="e")
    assert PackageVersion.objects.filter(team=team1).count() == 2
    assert PackageVersion.objects.filter(team=team2).count() == 1


@pytest.mark.parametrize("lever, value, code", [
    ("overtime_share", 0.9, "invalid_value"),
    ("overtime_share", "0.1", "invalid_value"),
    ("overtime_share", True, "invalid_value"),
    ("overtime_share", None, "invalid_value"),
    ("no_such_lever", 1, "unknown_lever"),
    (["overtime_share"], 1, "unknown_lever"),
])
def test_bad_values_are_refused_and_nothing_changes(started_session, lever, value, code):
    hr = factories.holder(started_session, "hr")
    with pytest.raises(LabError) as exc:
        package_edit(participant_id=hr.id, lever=lever, value=value, base_version=1, client_msg_id="bad")
    assert exc.value.code == code
    if code == "invalid_value":  # in the room's words and units, never the internal name
        assert exc.value.field == "overtime_share"
        assert exc.value.message == "Overtime share must be a number from 0 to 30 % of planned hours. HR can change it."
    assert latest(started_session).version == 1
    assert not LedgerEntry.objects.filter(kind="edit").exists()


@pytest.mark.parametrize("msg_id", [None, "", 5, "x" * 65])
def test_message_id_is_required(started_session, msg_id):
    hr = factories.holder(started_session, "hr")
    with pytest.raises(LabError) as exc:
        package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id=msg_id)
    assert exc.value.field == "id"


def test_retry_of_the_same_message_is_applied_once(started_session):
    hr = factories.holder(started_session, "hr")
    first = package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="same")
    again = package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="same")
    assert first == again
    assert latest(started_session).version == 2
    assert LedgerEntry.objects.filter(kind="edit", participant=hr).count() == 1


def test_edits_of_different_levers_merge_but_same_lever_from_old_base_is_stale(started_session, facilitator):
    from classroom.services.seat_changes import seat_assign_role

    hr = factories.holder(started_session, "hr")
    eng = factories.holder(started_session, "engineering")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="h1")
    merged = package_edit(participant_id=eng.id, lever="technicians", value=5, base_version=1, client_msg_id="e1")
    assert merged["version"] == 3
    assert merged["levers"]["overtime_share"] == 0.1 and merged["levers"]["technicians"] == 5
    # HR passes to the engineer, who still looks at version 1: HR's change since is a real conflict.
    seat_assign_role(session_id=started_session.id, user=facilitator, participant_id=eng.id, role="hr")
    with pytest.raises(LabError) as exc:
        package_edit(participant_id=eng.id, lever="overtime_share", value=0.2, base_version=1, client_msg_id="e2")
    assert exc.value.code == "stale_version"
    assert latest(started_session).levers["overtime_share"] == 0.1


def test_approving_an_old_version_is_stale(started_session):
    hr = factories.holder(started_session, "hr")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="h1")
    with pytest.raises(LabError) as exc:
        package_approve(participant_id=factories.holder(started_session, "director").id, version=1,
                        client_msg_id="a")
    assert exc.value.code == "stale_version"
    assert not Approval.objects.exists()


def test_all_roles_approving_aligns_locks_and_closes_the_only_teams_round(started_session):
    hr = factories.holder(started_session, "hr")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="h1")
    approve_all(started_session)
    round1 = started_session.round_set.get(number=1)
    assert round1.state == Round.State.CLOSED and round1.closed_by == "all_aligned"
    assert round1.results.count() == 1
    assert round1.results.get().decisions["overtime_share"] == 0.1
    # Round 2 opened with the aligned package carried forward as version 1.
    round2 = started_session.round_set.get(number=2)
    assert round2.state == Round.State.OPEN
    assert PackageVersion.objects.get(round=round2, version=1).levers["overtime_share"] == 0.1


def test_aligned_package_is_locked(lobby_session, facilitator):
    factories.join_many(lobby_session, 8)
    factories.start(lobby_session, facilitator)
    factories.committed(lobby_session)
    team1 = lobby_session.teams.get(number=1)
    for seat in team1.seats.all():
        package_approve(participant_id=seat.participant_id, version=1, client_msg_id=f"a-{seat.role}")
    assert factories.open_round(lobby_session).number == 1  # team 2 has not aligned
    hr = team1.seats.get(role="hr").participant
    with pytest.raises(LabError) as exc:
        package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="late")
    assert exc.value.code == "package_locked"


def test_approval_after_the_round_closed_is_refused(started_session, facilitator):
    from game.services.rounds import round_advance

    round_advance(session_id=started_session.id, user=facilitator, round_number=1)
    round2 = factories.open_round(started_session)
    round_advance(session_id=started_session.id, user=facilitator, round_number=2)
    started_session.refresh_from_db()
    assert started_session.state == "finished"
    with pytest.raises(LabError) as exc:
        package_approve(participant_id=factories.holder(started_session, "hr").id, version=1, client_msg_id="z")
    assert exc.value.code == "round_closed"
    assert not Approval.objects.filter(package_version__round=round2).exists()


def test_invalid_package_cannot_be_approved(started_session):
    director = factories.holder(started_session, "director")
    package_edit(participant_id=director.id, lever="priority_weights", value=[60, 20, 20, 20, 20], base_version=1,
                 client_msg_id="d")
    with pytest.raises(LabError) as exc:
        package_approve(participant_id=director.id, version=2, client_msg_id="a")
    assert exc.value.code == "invalid_package"
    assert exc.value.field == "priority_weights"
    assert not Approval.objects.exists()


def test_an_underfunded_package_can_be_approved_and_says_what_the_plant_cuts(started_session):
    finance = factories.holder(started_session, "finance")
    out = package_edit(participant_id=finance.id, lever="maintenance_budget", value=0.0, base_version=1,
                       client_msg_id="f")
    cuts = [c for c in render(out["checks"], "en")["items"] if c["kind"] == "cut"]  # texts are messages
    assert [c["lever"] for c in cuts] == ["maintenance_budget"] and out["checks"]["ready"]
    assert "PM" in cuts[0]["text"] and cuts[0]["shortfall"] > 0 and "Finance can raise" in cuts[0]["text"]
    factories.committed(started_session)
    approved = package_approve(participant_id=finance.id, version=2, client_msg_id="a")
    assert "finance" in approved["approvals"]


def test_edit_while_paused_is_refused(started_session, facilitator):
    from game.services.rounds import round_pause

    round_pause(session_id=started_session.id, user=facilitator)
    with pytest.raises(LabError) as exc:
        package_edit(participant_id=factories.holder(started_session, "hr").id, lever="overtime_share",
                     value=0.1, base_version=1, client_msg_id="p")
    assert exc.value.code == "round_paused"


def test_my_own_unacknowledged_edit_is_not_a_conflict(started_session):
    hr = factories.holder(started_session, "hr")
    package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1, client_msg_id="h1")
    # The second edit was typed before the first ack arrived, so it still says base_version 1.
    again = package_edit(participant_id=hr.id, lever="overtime_share", value=0.2, base_version=1, client_msg_id="h2")
    assert again["version"] == 3 and again["levers"]["overtime_share"] == 0.2


def test_the_same_message_racing_in_on_two_sockets_is_applied_once(started_session):
    import threading

    from django.db import connection

    hr = factories.holder(started_session, "hr")
    barrier, answers, errors = threading.Barrier(2), [], []

    def send():
        try:
            barrier.wait(timeout=10)
            answers.append(package_edit(participant_id=hr.id, lever="overtime_share", value=0.1, base_version=1,
                                        client_msg_id="twice"))
        except Exception as exc:  # any crash (say an IntegrityError on the ledger) fails the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    assert len(answers) == 2 and answers[0]["version"] == answers[1]["version"] == 2
    assert LedgerEntry.objects.filter(kind="edit", client_msg_id="twice").count() == 1
    assert latest(started_session).version == 2
