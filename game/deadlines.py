"""Where round deadlines are watched.

The deadline itself lives in the database (Round.deadline). Services mode hands it to Celery as
an ETA task, so it fires on a worker whatever happens to any web process. Every server process
also runs a ticker on its event loop that asks the database for overdue rounds (each second on
the embedded default, where it is the only watcher; every few seconds on services, as a net for
a worker that died holding an ETA task) and re-sends the close task of a round stuck in
`closing` (a task that failed). All paths end in services that close a round exactly once.
"""
import asyncio
import logging
from datetime import datetime

from channels.db import database_sync_to_async
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)
TICK_SECONDS = {"thread": 1.0, "celery": 5.0}
_tickers: dict[int, asyncio.Task] = {}


def deadline_schedule(*, round_id: int, deadline: datetime) -> None:
    if settings.ROUND_DEADLINE_SCHEDULER != "celery":
        return
    from game.tasks import round_deadline_task

    transaction.on_commit(lambda: round_deadline_task.apply_async((round_id,), eta=deadline), robust=True)


def _tick() -> None:
    from classroom.services.presence import presence_sweep
    from game.services.rounds import rounds_close_due, rounds_retry_stuck

    from game.services.cover import seats_cover_due

    rounds_close_due()
    rounds_retry_stuck()
    presence_sweep()  # sockets of a crashed or hung process stop answering: close them
    seats_cover_due()  # roles whose holder has been away past the hold time: a teammate or a bot takes them


async def _tick_forever(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await database_sync_to_async(_tick, thread_sensitive=False)()
        except Exception:  # keep ticking: one failed close must not stop every later deadline
            log.exception("closing overdue rounds failed")
        try:
            from game.bots.runner import bots_supervise

            await bots_supervise()  # bots whose process died are taken over here
        except Exception:
            log.exception("starting bots failed")


def ticker_ensure_started() -> None:
    """Start this process's deadline ticker on the running event loop (once per loop)."""
    seconds = TICK_SECONDS.get(settings.ROUND_DEADLINE_SCHEDULER)
    if seconds is None:
        return
    loop = asyncio.get_running_loop()
    task = _tickers.get(id(loop))
    if task is None or task.done():
        _tickers[id(loop)] = loop.create_task(_tick_forever(seconds))
