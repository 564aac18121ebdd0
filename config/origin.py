"""Which browser pages may open the lab's WebSockets (cross-site WebSocket hijacking).

A browser sends its cookies with a WebSocket handshake whatever page opened it, and always says which
page that was in the Origin header. A socket is accepted only when that Origin is the lab itself:

- its host and port are the ones the browser asked for (the Host header), so a laptop reached by
  whatever address the workshop Wi-Fi gave it works with ALLOWED_HOSTS unset (embedded profile);
- or its host is listed in ALLOWED_HOSTS (an explicit entry: '*' allows no Origin by itself), or the
  whole origin in CSRF_TRUSTED_ORIGINS (a proxy that rewrites Host, another port of the same name).

Anything else, and the Origin `null` (sandboxed frames, files opened from disk), is refused before the
socket is accepted: the handshake fails with HTTP 403.

A handshake without any Origin header comes from a program, not a browser page (browsers always send
one), so it carries no hijacked cookie: it is let through, and its cookie or login is still checked
by the consumer as usual. The lab's own bots (game/bots/runner.py) connect in-process and send
Origin http://localhost with Host localhost, which matches.
"""
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.utils.http import is_same_domain

DEFAULT_PORTS = {"http": 80, "https": 443, "ws": 80, "wss": 443}


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin1")
    return None


def _host_port(netloc: str, scheme: str) -> tuple[str, int] | None:
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port or DEFAULT_PORTS.get(scheme)
    except ValueError:  # a port that is not a number
        return None
    if not parts.hostname:
        return None
    return parts.hostname.lower().rstrip("."), port


def origin_allowed(origin: str | None, host: str | None) -> bool:
    """Whether a socket whose handshake carries `origin` and `host` (header values) may be accepted."""
    if origin is None:
        return True  # not a browser: see the module's docstring
    parsed = urlsplit(origin.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return False  # "null", file:, chrome-extension:, garbage
    mine = _host_port(parsed.netloc, parsed.scheme)
    if mine is None:
        return False
    if host and _host_port(host.strip(), parsed.scheme) == mine:
        return True
    if any(pattern != "*" and is_same_domain(mine[0], pattern.lower()) for pattern in settings.ALLOWED_HOSTS):
        return True
    normalized = f"{parsed.scheme}://{parsed.netloc.lower()}"
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted_parts = urlsplit(trusted.lower())
        if trusted_parts.scheme == parsed.scheme and (
                f"{trusted_parts.scheme}://{trusted_parts.netloc}" == normalized
                or ("*" in trusted_parts.netloc and is_same_domain(parsed.netloc.lower(), trusted_parts.netloc[1:]))):
            return True
    return False


class HostOriginValidator:
    """ASGI middleware: refuses (HTTP 403 at the handshake) a WebSocket whose Origin is not the lab's."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(_header(scope, b"origin"), _header(scope, b"host")):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
