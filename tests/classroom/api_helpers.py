"""Shared by the API tests: tokens, and two played sessions of two facilitators."""
from rest_framework.authtoken.models import Token

from tests import factories
from tests.played import play_two_months


def auth(user) -> dict:
    return {"HTTP_AUTHORIZATION": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def played_sessions(facilitator) -> dict:
    """`mine` (12 people, 3 teams, two closed months, chat in both) run by `facilitator`, `theirs` (4 people in
    lobby) run by someone else."""
    mine = factories.make_session(facilitator, rounds_count=3)
    play_two_months(mine, facilitator)
    other = factories.make_facilitator()
    theirs = factories.make_session(other)
    factories.join_many(theirs, 4, prefix="Guest")
    mine.refresh_from_db()
    return {"mine": mine, "theirs": theirs, "other": other}
