"""A bot plays its seat through the same WebSocket protocol as the browser (docs/protocol.md): it connects
to the ASGI application in-process with its own cookie, so routing, authentication, the consumer and
the services run exactly as for a person (like oTree's browser bots).

Each round it sets its roles' levers to its strategy's plan, one edit at a time, then approves the latest
version once the people's edits have been quiet for QUIET_SECONDS. A package it cannot approve (the
director's weights not summing to 100, hiring and firing at once) is repaired on its own levers first,
so a bot never blocks alignment.
"""
import asyncio
import itertools
import json
import logging
import time

from channels.routing import get_default_application

from classroom.consumer_base import db
from classroom.identity import cookie_name, sign_token
from classroom.models import Participant
from game.bots.service import bot_lease_renew, bot_leases_take
from game.engine import LEVERS, default_levers
from game.engine import strategies as engine_strategies
from game.selectors import session_scenario

log = logging.getLogger(__name__)
QUIET_SECONDS = 3.0
LEASE_RENEW_SECONDS = 5.0
_running: dict[int, asyncio.Task] = {}


class Closed(Exception):
    pass


class InProcessSocket:
    """A WebSocket client of the ASGI application in this process (no network, same code path)."""

    def __init__(self, app, path: str, cookie: str):
        self.inbox: asyncio.Queue = asyncio.Queue()
        self.outbox: asyncio.Queue = asyncio.Queue()
        scope = {"type": "websocket", "path": path, "raw_path": path.encode(), "query_string": b"",
                 "headers": [(b"host", b"localhost"), (b"origin", b"http://localhost"), (b"cookie", cookie.encode())],
                 "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 80), "subprotocols": [],
                 "asgi": {"version": "3.0"}, "scheme": "ws"}
        self.task = asyncio.ensure_future(app(scope, self.inbox.get, self.outbox.put))

    async def connect(self) -> bool:
        await self.inbox.put({"type": "websocket.connect"})
        reply = await asyncio.wait_for(self.outbox.get(), 20)
        return reply["type"] == "websocket.accept"

    async def send(self, frame: dict) -> None:
        await self.inbox.put({"type": "websocket.receive", "text": json.dumps(frame)})

    async def receive(self, timeout: float) -> dict:
        message = await asyncio.wait_for(self.outbox.get(), timeout)
        if message["type"] == "websocket.close":
            raise Closed(message.get("code"))
        return json.loads(message["text"])

    async def close(self) -> None:
        await self.inbox.put({"type": "websocket.disconnect", "code": 1000})
        try:
            await asyncio.wait_for(self.task, 10)
        except (asyncio.TimeoutError, Exception):  # the consumer may already be gone
            self.task.cancel()


def _bot_info(bot_id: int) -> dict:
    bot = Participant.objects.select_related("session").get(pk=bot_id)
    return {"code": bot.session.join_code, "token": bot.rejoin_token, "strategy": bot.bot_strategy or "keep",
            "scenario": session_scenario(session=bot.session)}


def plan(strategy: str, scenario, state: dict) -> dict:
    """The values this bot wants for its own levers this round."""
    roles = set(state["you"]["roles"])
    levers = state["package"]["levers"]
    mine = [name for name, spec in LEVERS.items() if spec.role in roles]
    want: dict = {}
    if strategy == "default":
        defaults = default_levers(scenario)
        want = {name: defaults[name] for name in mine}
    elif strategy == "balanced":
        history = [{"round": r["round"], "decisions": r.get("decisions") or {}, "kpis": r["kpis"]}
                   for r in state.get("results") or [] if r.get("kpis")]
        round_number = (state.get("round") or {}).get("number", 1)
        full = engine_strategies.funded(engine_strategies.balanced(round_number, history), scenario)
        want = {name: full[name] for name in mine}
    # repairs so the package can be approved
    if "priority_weights" in mine and sum(want.get("priority_weights", levers["priority_weights"])) != 100:
        want["priority_weights"] = default_levers(scenario)["priority_weights"]
    if "exits" in mine and want.get("hires", levers["hires"]) > 0 and want.get("exits", levers["exits"]) > 0:
        want["exits"] = 0
    return want


def bot_commitment(state: dict) -> dict | None:
    """A bot director's forecast, once its levers are set, when the package has none: its production target
    (within what the plant could make) and the cash as it stands, said plainly as a bot's."""
    package, limits = state["package"], state.get("commitment") or {}
    if "director" not in state["you"]["roles"] or (package.get("forecast") and package.get("rationale")):
        return None
    units = max(0, min(int(package["levers"].get("production_target") or 0), limits.get("good_units_max", 0)))
    return {"forecast": {"good_units": units, "cash": limits.get("cash_now", 0), "extra": None},
            "rationale": "A bot's forecast: the production target, and cash as it stands today."}


class BotRunner:
    def __init__(self, bot_id: int):
        self.bot_id = bot_id
        self.ids = (f"bot{bot_id}-{n}" for n in itertools.count())

    async def run(self) -> None:
        info = await db(_bot_info)(self.bot_id)
        cookie = f"{cookie_name(info['code'])}={sign_token(info['token'])}"
        # The process's own ASGI application, named by settings.ASGI_APPLICATION (config is wiring).
        sock = InProcessSocket(get_default_application(), f"/ws/play/{info['code']}/", cookie)
        if not await sock.connect():
            return
        state, pending, last_change, renewed, sent_at = None, False, time.monotonic(), time.monotonic(), None
        try:
            while True:
                try:
                    frame = await sock.receive(timeout=1.0)
                except asyncio.TimeoutError:
                    frame = None
                if frame is not None:
                    state, pending, changed = self._apply(state, frame, pending)
                    if changed:
                        last_change = time.monotonic()
                    if frame.get("type") in ("state", "ack", "error"):
                        sent_at = None
                    if state is None and frame.get("type") == "session.changed":
                        await sock.send({"type": "resync"})
                now = time.monotonic()
                if pending and sent_at is not None and now - sent_at > 10:  # an answer lost: start afresh
                    pending, sent_at = False, None
                    await sock.send({"type": "resync"})
                if now - renewed >= LEASE_RENEW_SECONDS:
                    renewed = now
                    if not await db(bot_lease_renew)(bot_id=self.bot_id):
                        break
                    await sock.send({"type": "ping", "id": next(self.ids)})
                if pending or state is None or not self._playing(state):
                    continue
                want = plan(info["strategy"], info["scenario"], state)
                levers = state["package"]["levers"]
                edit = next(((k, v) for k, v in want.items() if levers.get(k) != v), None)
                commitment = bot_commitment(state)
                if edit is None and commitment is not None:
                    await sock.send({"type": "package.commit", "id": next(self.ids), **commitment,
                                     "base_version": state["package"]["version"]})
                    pending, sent_at = True, now
                elif edit is not None:
                    await sock.send({"type": "package.edit", "id": next(self.ids), "lever": edit[0], "value": edit[1],
                                     "base_version": state["package"]["version"]})
                    pending, sent_at = True, now
                elif now - last_change >= QUIET_SECONDS and not self._approved(state):
                    await sock.send({"type": "package.approve", "id": next(self.ids),
                                     "version": state["package"]["version"]})
                    pending, sent_at = True, now
        except Closed:
            pass
        finally:
            await sock.close()

    @staticmethod
    def _playing(state) -> bool:
        package, game_round = state.get("package"), state.get("round")
        return bool(package and game_round and game_round.get("state") == "open" and not package.get("aligned"))

    @staticmethod
    def _approved(state) -> bool:
        approvals = state["package"].get("approvals") or {}
        return all(role in approvals for role in state["you"]["roles"])

    def _apply(self, state, frame, pending):
        """Fold one frame into the bot's view; returns (state, pending, a person changed the package)."""
        kind = frame.get("type")
        if kind == "state":
            return frame, False, True
        if state is None:
            return None, pending, False
        if kind == "package.updated":
            state["package"] = frame["package"]
            return state, pending, frame["package"].get("author_role") not in state["you"]["roles"]
        if kind == "ack":
            if frame.get("package"):
                state["package"] = frame["package"]
            return state, False, False
        if kind == "error":
            return state, False, False
        if kind == "round.changed":
            state["round"] = frame["round"]
            return state, pending, True
        if kind == "round.results":
            state.setdefault("results", []).append(frame.get("result") or {})
            return state, pending, True
        if kind == "session.changed":  # roles or team changed: start again from a fresh snapshot
            return None, False, False
        return state, pending, False


async def bots_supervise(session_id: int | None = None) -> None:
    """Run, in this process, every bot whose lease lapsed (called by each server's ticker; `run_bots`
    passes its own session)."""
    for bot_id in await db(bot_leases_take)(session_id=session_id):
        task = _running.get(bot_id)
        if task is None or task.done():
            _running[bot_id] = asyncio.ensure_future(_run_logged(bot_id))


async def _run_logged(bot_id: int) -> None:
    try:
        await BotRunner(bot_id).run()
    except Exception:
        log.exception("bot %s stopped", bot_id)
