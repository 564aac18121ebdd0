"""Root fixtures: people, sessions, a started session, and (in services mode) a Celery worker."""
import pytest

from tests import factories


@pytest.fixture
def facilitator(db):
    return factories.make_facilitator()


@pytest.fixture
def lobby_session(facilitator):
    return factories.make_session(facilitator)


@pytest.fixture
def started_session(lobby_session, facilitator):
    """A session with one full team of four, round 1 open."""
    factories.join_many(lobby_session, 4)
    return factories.start(lobby_session, facilitator)
