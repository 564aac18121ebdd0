"""Whatever joins, moves and role hand-overs happen, every team keeps every role covered and
every member holds at least one role (hypothesis drives random sequences through the services)."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classroom.errors import LabError
from classroom.services.seat_changes import seat_assign_role, seat_move
from classroom.services.sessions import participant_join
from tests import factories

ROLES = ["director", "finance", "engineering", "hr"]
operation = st.one_of(
    st.tuples(st.just("join")),
    st.tuples(st.just("move"), st.integers(0, 30), st.one_of(st.integers(1, 5), st.just("new"))),
    st.tuples(st.just("role"), st.integers(0, 30), st.sampled_from(ROLES)),
    st.tuples(st.just("start")),
)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=25))
def test_seating_invariants_hold_under_any_sequence(facilitator, ops):
    session = factories.make_session(facilitator)
    people = []
    for op in ops:
        try:
            if op[0] == "join":
                people.append(participant_join(join_code=session.join_code, display_name=f"P{len(people)}"))
            elif op[0] == "start" and people and session.state == "lobby":
                factories.start(session, facilitator)
            elif op[0] == "move" and people:
                seat_move(session_id=session.id, user=facilitator, participant_id=people[op[1] % len(people)].id,
                          team_number=op[2])
            elif op[0] == "role" and people:
                seat_assign_role(session_id=session.id, user=facilitator,
                                 participant_id=people[op[1] % len(people)].id, role=op[2])
        except LabError as exc:  # refusals are fine (a full team, an unknown team); they must change nothing
            assert exc.code in {"team_full", "unknown_team"}, exc.code
        for team in session.teams.all():
            if team.members.exists():
                assert len(team.members.all()) <= 4
        roles_by_team_nonempty(session)


def roles_by_team_nonempty(session):
    """Like roles_by_team, for the teams that still have members (a team can be left empty)."""
    for team in session.teams.all():
        members = set(team.members.values_list("id", flat=True))
        if not members:
            continue
        seats = list(team.seats.all())
        assert {s.role for s in seats} == set(ROLES), f"{team} has an uncovered role"
        assert {s.participant_id for s in seats} == members, f"{team} has a member without a role"
