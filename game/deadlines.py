"""Where round deadlines are watched.

The deadline itself lives in the database (Round.deadline). Services mode hands it to Celery as
an ETA task, so it survives any one web process and fires on a worker. The embedded default has
one process: a ticker on its event loop asks the database once a second for overdue rounds.
Both paths end in `round_close_if_due`/`rounds_close_due`, which close a round exactly once.
"""
import asyncio
import logging
from datetime import datetime

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)
TICK_SECONDS = 1.0
_tickers: dict[int, asyncio.Task] = {}


def deadline_schedule(*, round_id: int, deadline: datetime) -> None:
    if settings.ROUND_DEADLINE_SCHEDULER != "celery":
        return
    from game.tasks import round_deadline_task

    transaction.on_commit(lambda: round_deadline_task.apply_async((round_id,), eta=deadline))


async def _tick_forever() -> None:
    from game.services.rounds import rounds_close_due

    while True:
        await asyncio.sleep(TICK_SECONDS)
        try:
            await database_sync_to_async(rounds_close_due, thread_sensitive=False)()
        except Exception:  # keep ticking: one failed close must not stop every later deadline
            log.exception("closing overdue rounds failed")


def ticker_ensure_started() -> None:
    """Start the embedded deadline ticker on the running event loop (once per loop)."""
    if settings.ROUND_DEADLINE_SCHEDULER != "thread":
        return
    loop = asyncio.get_running_loop()
    task = _tickers.get(id(loop))
    if task is None or task.done():
        _tickers[id(loop)] = loop.create_task(_tick_forever())
