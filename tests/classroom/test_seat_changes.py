import pytest

from classroom.errors import Forbidden, LabError
from classroom.services.seat_changes import seat_assign_role, seat_move
from game.models import PackageVersion
from tests import factories
from tests.classroom.test_seating import roles_by_team

pytestmark = pytest.mark.django_db(transaction=True)


def test_move_a_person_to_another_team_keeps_every_role_covered(lobby_session, facilitator):
    people = factories.join_many(lobby_session, 6)  # teams of 4 and 2
    mover = people[0]
    seat_move(session_id=lobby_session.id, user=facilitator, participant_id=mover.id, team_number=2)
    mover.refresh_from_db()
    assert mover.team.number == 2
    assert roles_by_team(lobby_session) == {1: 3, 2: 3}


def test_move_to_a_new_team_mid_round_gives_it_a_package(started_session, facilitator):
    mover = factories.holder(started_session, "hr")
    team = seat_move(session_id=started_session.id, user=facilitator, participant_id=mover.id, team_number="new")
    assert team.number == 2
    assert set(team.seats.values_list("role", flat=True)) == {"director", "finance", "engineering", "hr"}
    assert PackageVersion.objects.filter(team=team, round__number=1, version=1).exists()
    roles_by_team(started_session)


def test_full_team_and_unknown_targets_are_refused(lobby_session, facilitator):
    people = factories.join_many(lobby_session, 5)
    loner = people[4]
    with pytest.raises(LabError) as exc:
        seat_move(session_id=lobby_session.id, user=facilitator, participant_id=loner.id, team_number=1)
    assert exc.value.code == "team_full"
    for team, code in ((9, "unknown_team"), ("2", "unknown_team")):
        with pytest.raises(LabError) as exc:
            seat_move(session_id=lobby_session.id, user=facilitator, participant_id=loner.id, team_number=team)
        assert exc.value.code == code
    with pytest.raises(LabError) as exc:
        seat_move(session_id=lobby_session.id, user=facilitator, participant_id=10**9, team_number=1)
    assert exc.value.code == "unknown_participant"
    loner.refresh_from_db()
    assert loner.team.number == 2


def test_assign_role_hands_it_over_and_nobody_is_left_without_one(lobby_session, facilitator):
    a, b = factories.join_many(lobby_session, 2)
    b_roles = set(b.seats.values_list("role", flat=True))
    give = next(r for r in ("director", "finance", "engineering", "hr") if r not in b_roles)
    seat_assign_role(session_id=lobby_session.id, user=facilitator, participant_id=b.id, role=give)
    assert give in set(b.seats.values_list("role", flat=True))
    roles_by_team(lobby_session)
    with pytest.raises(LabError) as exc:
        seat_assign_role(session_id=lobby_session.id, user=facilitator, participant_id=b.id, role="ceo")
    assert exc.value.field == "role"


def test_only_the_facilitator_changes_seats(lobby_session):
    person = factories.join_many(lobby_session, 1)[0]
    with pytest.raises(Forbidden):
        seat_move(session_id=lobby_session.id, user=factories.make_facilitator(), participant_id=person.id,
                  team_number="new")


def test_assigning_a_role_between_single_role_holders_swaps_them(lobby_session, facilitator):
    factories.join_many(lobby_session, 4)
    director, hr = factories.holder(lobby_session, "director"), factories.holder(lobby_session, "hr")
    seat_assign_role(session_id=lobby_session.id, user=facilitator, participant_id=hr.id, role="director")
    assert factories.holder(lobby_session, "director") == hr
    assert factories.holder(lobby_session, "hr") == director
    roles_by_team(lobby_session)
