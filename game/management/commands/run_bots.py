"""Rehearse a workshop with bots only: `manage.py run_bots --teams 3 --rounds 3` creates a session, fills
it with bots, starts it, and runs the bots here (through the real WebSocket path) until the session ends;
`--session ID` runs the bots of an existing session instead."""
import asyncio
import time

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from classroom.errors import LabError
from classroom.models import Session
from classroom.services.access import FACILITATOR_GROUP
from classroom.services.sessions import session_create
from game.bots.runner import bots_supervise
from game.bots.service import STRATEGIES, bots_fill
from game.selectors import leaderboard
from game.services.rounds import session_start
from game.ticker import ticker_ensure_started


class Command(BaseCommand):
    help = "Play a whole session with bots (a rehearsal), or run the bots of an existing session."

    def add_arguments(self, parser):
        parser.add_argument("--session", type=int, help="run the bots of this session instead of creating one")
        parser.add_argument("--teams", type=int, default=3)
        parser.add_argument("--rounds", type=int, default=3)
        parser.add_argument("--minutes", type=int, default=5, help="minutes per round (bots align well before)")
        parser.add_argument("--scenario", default="demo")
        parser.add_argument("--strategy", default="balanced", choices=sorted(STRATEGIES))
        parser.add_argument("--timeout", type=float, default=900, help="give up after this many seconds")

    def handle(self, *args, **opts):
        try:
            session = (Session.objects.get(pk=opts["session"]) if opts["session"] else self._rehearsal(opts))
        except (LabError, Session.DoesNotExist) as exc:
            raise CommandError(getattr(exc, "message", str(exc)))
        self.stdout.write(f"session {session.id} ({session.join_code}): bots playing {session.rounds} round(s)")
        finished = asyncio.run(self._play(session.id, opts["timeout"]))
        if not finished:
            raise CommandError(f"session {session.id} did not finish within {opts['timeout']:.0f} s")
        session.refresh_from_db()
        for i, row in enumerate(leaderboard(session=session), 1):
            self.stdout.write(f"{i}. {row['team']}: scorecard {row['scorecard']:.1f}")
        self.stdout.write(f"session {session.id} finished: the debrief is on the console")

    def _rehearsal(self, opts) -> Session:
        user, _ = get_user_model().objects.get_or_create(username="rehearsal", defaults={"is_staff": True})
        # The rehearsal user runs the session like a facilitator: in the group that lets it (classroom 0010 makes it).
        user.groups.add(Group.objects.get_or_create(name=FACILITATOR_GROUP)[0])
        session = session_create(facilitator=user, name="Rehearsal with bots", scenario_name=opts["scenario"],
                                 rounds=opts["rounds"], minutes_per_round=opts["minutes"], seed=1)
        bots_fill(session_id=session.id, user=user, teams=opts["teams"], strategy=opts["strategy"])
        session_start(session_id=session.id, user=user)
        return session

    async def _play(self, session_id: int, timeout: float) -> bool:
        from channels.db import database_sync_to_async

        state = database_sync_to_async(lambda: Session.objects.values_list("state", flat=True).get(pk=session_id))
        ticker_ensure_started()
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            await bots_supervise(session_id=session_id)
            if await state() == Session.State.FINISHED:
                return True
            await asyncio.sleep(1.0)
        return False
