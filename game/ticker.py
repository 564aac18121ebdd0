"""Every server process's ticker: the net under deadlines, presence, cover and bots.

A ticker runs on each process's event loop (started by the first socket) and each tick asks the
database for overdue rounds (each second on the embedded default, where it is the only deadline
watcher; every few seconds on services, as a net for a worker that died holding an ETA task),
re-sends the close task of a round stuck in `closing` (a task that failed), closes sockets that
stopped answering, covers roles whose holder has been away past the hold time, and takes over bots
whose process died. All paths end in services that are safe to run from several processes at once.
"""
import asyncio
import logging

from channels.db import database_sync_to_async
from django.conf import settings

from classroom.services.personal_data import personal_data_retention_tick
from classroom.services.presence import presence_sweep
from game.bots.runner import bots_supervise
from game.services.cover import seats_cover_due
from game.services.rounds import rounds_close_due, rounds_retry_stuck

log = logging.getLogger(__name__)
TICK_SECONDS = {"thread": 1.0, "celery": 5.0}
_tickers: dict[int, asyncio.Task] = {}


# each job runs even when an earlier one failed: a failed close must not stop presence or cover
TICK_JOBS = (
    rounds_close_due,
    rounds_retry_stuck,
    presence_sweep,  # sockets of a crashed or hung process stop answering: close them
    seats_cover_due,  # roles whose holder has been away past the hold time: a teammate or a bot takes them
    personal_data_retention_tick,  # embedded default only, at most hourly: personal data past its retention days
)


def _tick() -> None:
    for job in TICK_JOBS:
        try:
            job()
        except Exception:  # keep ticking: the next tick tries again
            log.exception("ticker job %s failed", job.__name__)


async def _tick_forever(seconds: float) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            await database_sync_to_async(_tick, thread_sensitive=False)()
        except Exception:
            log.exception("ticker failed")
        try:
            await bots_supervise()  # bots whose process died are taken over here
        except Exception:
            log.exception("starting bots failed")


def ticker_ensure_started() -> None:
    """Start this process's ticker on the running event loop (once per loop)."""
    seconds = TICK_SECONDS.get(settings.ROUND_DEADLINE_SCHEDULER)
    if seconds is None:
        return
    loop = asyncio.get_running_loop()
    task = _tickers.get(id(loop))
    if task is None or task.done():
        _tickers[id(loop)] = loop.create_task(_tick_forever(seconds))
