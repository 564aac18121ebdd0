"""Where a round's deadline is handed on: nothing here decides or closes anything.

The deadline itself lives in the database (Round.deadline). Services mode hands it to Celery as
an ETA task, so it fires on a worker whatever happens to any web process; every server process's
ticker (game/ticker.py) also watches for overdue rounds. Both end in services that close a round
exactly once.
"""
from datetime import datetime

from django.conf import settings
from django.db import transaction

from game.tasks import round_deadline_task


def deadline_schedule(*, round_id: int, deadline: datetime) -> None:
    if settings.ROUND_DEADLINE_SCHEDULER != "celery":
        return
    transaction.on_commit(lambda: round_deadline_task.apply_async((round_id,), eta=deadline), robust=True)
