import pytest

from classroom.models import Seat
from tests import factories

ROLES = {"director", "finance", "engineering", "hr"}


def roles_by_team(session):
    out = {}
    for team in session.teams.all():
        seats = list(team.seats.all())
        assert {s.role for s in seats} == ROLES, f"{team} has an uncovered role"
        members = set(team.members.values_list("id", flat=True))
        assert {s.participant_id for s in seats} == members, f"{team} has a member without a role"
        out[team.number] = len(members)
    return out


@pytest.mark.parametrize("count", range(1, 10))
def test_every_team_always_has_every_role_and_every_member_a_role(lobby_session, count):
    factories.join_many(lobby_session, count)
    sizes = roles_by_team(lobby_session)
    assert sum(sizes.values()) == count
    assert max(sizes.values()) <= 4


def test_four_people_make_one_team_with_one_role_each(lobby_session):
    people = factories.join_many(lobby_session, 4)
    assert {p.team_id for p in people} == {people[0].team_id}
    assert all(Seat.objects.filter(participant=p).count() == 1 for p in people)


@pytest.mark.parametrize("count, expected", [(5, [3, 2]), (9, [3, 3, 3]), (6, [3, 3]), (8, [4, 4]), (1, [1])])
def test_start_balances_team_sizes(lobby_session, facilitator, count, expected):
    factories.join_many(lobby_session, count)
    factories.start(lobby_session, facilitator)
    assert sorted(roles_by_team(lobby_session).values(), reverse=True) == expected


def test_late_joiner_gets_a_seat_and_a_package(started_session):
    late = factories.join_many(started_session, 1, prefix="Late")[0]
    roles_by_team(started_session)
    from game.models import PackageVersion

    assert PackageVersion.objects.filter(team=late.team, round__number=1).exists()


def test_the_first_joiner_keeps_the_roles_dealt_first_and_newcomers_take_the_latest(lobby_session):
    """Dealt in ROLES order, given away from the end: the same on every database (PostgreSQL returned the seats
    in whatever order its pages held them, so who got which role changed between runs)."""
    ann = factories.join_many(lobby_session, 1)[0]
    # An update writes a new row version at the end of the table in PostgreSQL: unordered, director came last.
    Seat.objects.filter(participant=ann, role="director").update(participant=ann)
    ben, cy = factories.join_many(lobby_session, 2, prefix="Next")
    held = {p.display_name: sorted(Seat.objects.filter(participant=p).values_list("role", flat=True))
            for p in (ann, ben, cy)}
    assert held == {"Player 1": ["director", "finance"], "Next 1": ["hr"], "Next 2": ["engineering"]}
    dan = factories.join_many(lobby_session, 1, prefix="Late")[0]
    assert list(Seat.objects.filter(participant=dan).values_list("role", flat=True)) == ["finance"]
