"""config/celery.py's guard: a worker whose broker connection was already closed (celery 5.7 detaches the client
before closing it) skips handing its unacknowledged messages back instead of dying with AttributeError. The real
broker restart, with a real worker, is tests/faults/test_redis_restart.py."""
from types import SimpleNamespace

from kombu.transport import redis as kombu_redis

import config.celery  # noqa: F401  (installs the guard)


def test_a_closed_connection_skips_the_hand_back_instead_of_stopping_the_worker():
    qos = SimpleNamespace(channel=SimpleNamespace(connection=SimpleNamespace(client=None)),
                          _delivered={"tag-1": "an ETA task held for a round's deadline"})
    assert kombu_redis.QoS.restore_unacked(qos) is None
    assert qos._delivered == {}
