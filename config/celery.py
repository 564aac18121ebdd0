import functools
import logging
import os

from celery import Celery
from celery.schedules import crontab
from kombu.transport import redis as kombu_redis

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")


def _restore_unacked_while_attached(restore):
    """Celery 5.7 closes a lost broker connection after detaching its transport's client, and the Redis channel's
    close then tries to hand its unacknowledged messages back through that client: AttributeError ('NoneType' has
    no 'hostname'), which stops the worker for good ("Unrecoverable error"). A worker always holds the ETA task of
    every open round's deadline, so each Redis restart during a round killed every worker
    (tests/faults/test_redis_restart.py). With the client gone there is no broker to hand them to: Redis keeps them
    in its unacked set (restored after the visibility timeout) or lost them in the restart; either way the web
    processes' tickers close overdue rounds. So skip the hand-back and let the worker reconnect."""

    @functools.wraps(restore)
    def restore_unacked(self, client=None):
        if client is None and self.channel.connection.client is None:
            logging.getLogger(__name__).warning(
                "broker connection already closed: %s unacknowledged message(s) left to the broker",
                len(self._delivered))
            self._delivered.clear()
            return None
        return restore(self, client)

    return restore_unacked


kombu_redis.QoS.restore_unacked = _restore_unacked_while_attached(kombu_redis.QoS.restore_unacked)

app = Celery("decision_lab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs on services (run `celery -A config beat` once, beside the workers). The embedded default has no
# beat: each server process's ticker (game/ticker.py) runs the same jobs.
app.conf.beat_schedule = {
    # Personal data past its session's retention days is anonymised (docs/privacy.md).
    "personal-data-retention": {
        "task": "classroom.tasks.personal_data_retention_task",
        "schedule": crontab(hour=3, minute=17),  # daily, at a quiet hour (UTC)
    },
}
