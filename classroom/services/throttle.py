"""Limits on guessing codes: counted per client address with the `limits` library, lockouts the
console can list and lift.

A *scope* names what is being guessed: `join` (join codes, which belong to no session, so every
facilitator's console shows these) or `rejoin:<session id>` (rejoin codes of that session, shown on
that session's console). Each wrong try is a hit in a moving one-minute window; the try that fills
the limit locks the address out of that scope for LAB_JOIN_LOCKOUT_MINUTES, and while locked every
try of that scope (the right code too) is refused before its code is looked at.

Counters live in Redis in the services profile (one count for every web process; `limits` updates
them atomically) and in this process's memory in the embedded one (a single process). The lockouts
themselves are kept in Django's cache (Redis there too): one entry per locked address, plus a small
index per scope so the console can list them. Two lockouts written at the same instant by two
processes may leave one out of the index; the lock itself still holds, and a later lockout of that
scope rewrites the index.
"""
import functools
import time
from datetime import datetime, timezone

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from limits import RateLimitItemPerMinute
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter

from classroom.errors import LabError, TooManyTries

JOIN_SCOPE = "join"
# Kept in English in the lockout (the console lists it); translated where shown, e.g. _(lockout["reason"]).
SCOPE_REASONS = {
    "join": gettext_noop("wrong join codes"),
    "rejoin": gettext_noop("wrong rejoin codes"),
}


def rejoin_scope(session_id: int) -> str:
    return f"rejoin:{session_id}"


@functools.cache
def _limiter() -> MovingWindowRateLimiter:
    if settings.REDIS_URL:
        storage = RedisStorage(settings.REDIS_URL, key_prefix=f"{settings.LAB_THROTTLE_PREFIX}-limits")
    else:
        storage = MemoryStorage()
    return MovingWindowRateLimiter(storage)


def _lock_key(scope: str, client: str) -> str:
    return f"{settings.LAB_THROTTLE_PREFIX}:lockout:{scope}:{client}"


def _index_key(scope: str) -> str:
    return f"{settings.LAB_THROTTLE_PREFIX}:lockouts:{scope}"


def _client(client: str) -> str:
    return (client or "unknown")[:64]


def _wait_words(seconds: float) -> str:
    minutes = max(1, int(-(-seconds // 60)))
    return _("a minute") if minutes == 1 else _("%(n)s minutes") % {"n": minutes}


def _locked_error(lockout: dict, what: str) -> TooManyTries:
    until = datetime.fromtimestamp(lockout["until"], tz=timezone.utc)
    words = {"wait": _wait_words(lockout["until"] - time.time()), "until": f"{until:%H:%M}"}
    if what == SCOPE_REASONS["rejoin"]:
        text = _("Too many wrong rejoin codes from this device. Wait %(wait)s (until %(until)s UTC) and try again, "
                 "or ask the facilitator: the console can lift this.") % words
    else:
        text = _("Too many wrong join codes from this device. Wait %(wait)s (until %(until)s UTC) and try again, "
                 "or ask the facilitator: the console can lift this.") % words
    return TooManyTries("too_many_tries", text, field="rejoin_code" if what == SCOPE_REASONS["rejoin"] else "join_code")


def _reason(scope: str) -> str:
    return SCOPE_REASONS[scope.split(":", 1)[0]]


def throttle_check(*, scope: str, client: str) -> None:
    """Refuse (TooManyTries) while `client` is locked out of `scope`."""
    lockout = cache.get(_lock_key(scope, _client(client)))
    if lockout and lockout["until"] > time.time():
        raise _locked_error(lockout, _reason(scope))


def rate_allow(*, scope: str, key: str, per_minute: int) -> bool:
    """Count one use of `scope` by `key` (a person, say); False once `per_minute` were used within the last
    minute (a moving window, in Redis for every process in the services profile). No lockout: the next minute
    opens again by itself."""
    return _limiter().hit(RateLimitItemPerMinute(per_minute), scope, str(key))


def person_key(participant) -> str:
    """The key a person's budget counts under: their id and when they joined (an id reused by a new database
    starts afresh)."""
    return f"{participant.id}@{participant.joined_at.timestamp():.6f}"


def throttle_fail(*, scope: str, client: str, tries_per_minute: int) -> str:
    """Count one wrong try. The `tries_per_minute`-th within a minute locks the address out of `scope`:
    then the answer is a sentence for the caller's error message saying so (else "")."""
    client = _client(client)
    item = RateLimitItemPerMinute(tries_per_minute)
    limiter = _limiter()
    if limiter.hit(item, scope, client) and limiter.test(item, scope, client):
        return ""
    now = time.time()
    lockout_seconds = settings.LAB_JOIN_LOCKOUT_MINUTES * 60
    lockout = {"scope": scope, "client": client, "reason": _reason(scope), "tries": tries_per_minute,
               "since": now, "until": now + lockout_seconds}
    cache.set(_lock_key(scope, client), lockout, timeout=lockout_seconds)
    index = {c: until for c, until in (cache.get(_index_key(scope)) or {}).items() if until > now}
    index[client] = lockout["until"]
    cache.set(_index_key(scope), index, timeout=lockout_seconds)
    return " " + _("That was %(n)s tries within a minute: this device must now wait %(wait)s before trying again "
                   "(the facilitator can lift this).") % {"n": tries_per_minute, "wait": _wait_words(lockout_seconds)}


def lockout_list(*, scope: str) -> list[dict]:
    """The addresses locked out of `scope` now, soonest free first: client, reason, tries, since, until (datetimes)."""
    now = time.time()
    found = []
    for client in (cache.get(_index_key(scope)) or {}):
        lockout = cache.get(_lock_key(scope, client))
        if lockout and lockout["until"] > now:
            found.append({**lockout, "since": datetime.fromtimestamp(lockout["since"], tz=timezone.utc),
                          "until": datetime.fromtimestamp(lockout["until"], tz=timezone.utc)})
    return sorted(found, key=lambda item: item["until"])


def lockout_lift(*, scope: str, client: str) -> None:
    """Let `client` try `scope` again at once, with a fresh count."""
    client = _client(client)
    lockout = cache.get(_lock_key(scope, client))
    if not lockout:
        raise LabError("not_locked", _("%(client)s is not locked out (the lockout may have ended already).") % {
            "client": client}, field="client")
    cache.delete(_lock_key(scope, client))
    index = cache.get(_index_key(scope)) or {}
    index.pop(client, None)
    cache.set(_index_key(scope), index, timeout=settings.LAB_JOIN_LOCKOUT_MINUTES * 60)
    _limiter().clear(RateLimitItemPerMinute(lockout["tries"]), scope, client)  # the limit is part of its key
