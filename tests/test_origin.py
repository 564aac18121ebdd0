"""The sockets accept a browser page only from the lab itself (config/origin.py): its Origin must match the
Host it asked for, or be listed in ALLOWED_HOSTS / CSRF_TRUSTED_ORIGINS; others fail the handshake (403)."""
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from classroom.identity import cookie_name, sign_token
from config.asgi import application
from config.origin import origin_allowed
from tests import factories


@pytest.mark.parametrize("origin, host", [
    ("http://192.168.1.20:8000", "192.168.1.20:8000"),  # a laptop reached by its LAN address, nothing configured
    ("http://LAB.local:8000", "lab.local:8000"),
    ("https://lab.example.org", "lab.example.org"),  # default port on one side only
    ("https://lab.example.org", "lab.example.org:443"),
    ("http://[::1]:8000", "[::1]:8000"),
    (None, "lab.example.org"),  # a program, not a browser page: no hijacked cookie to fear
])
def test_the_labs_own_pages_and_non_browsers_are_accepted(settings, origin, host):
    settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS = ["*"], []
    assert origin_allowed(origin, host)


@pytest.mark.parametrize("origin, host", [
    ("http://evil.example.com", "192.168.1.20:8000"),
    ("http://192.168.1.20:9999", "192.168.1.20:8000"),  # another port on the same machine
    ("null", "192.168.1.20:8000"),  # sandboxed frame, a file opened from disk
    ("file://", "192.168.1.20:8000"),
    ("chrome-extension://abcdef", "192.168.1.20:8000"),
    ("http://192.168.1.20:8000", None),  # no Host to match
    ("http://192.168.1.20:abc", "192.168.1.20:abc"),
    ("", "lab.local"),
])
def test_other_origins_are_refused_even_with_allowed_hosts_star(settings, origin, host):
    settings.ALLOWED_HOSTS, settings.CSRF_TRUSTED_ORIGINS = ["*"], []
    assert origin_allowed(origin, host) is False


def test_listed_hosts_and_trusted_origins_are_accepted_whatever_the_host_header(settings):
    settings.ALLOWED_HOSTS = ["lab.example.org", ".workshop.example.org", "*"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://console.example.net:8443", "https://*.partner.example"]
    behind_proxy = "web:8000"  # a proxy that does not pass the Host on
    assert origin_allowed("https://lab.example.org", behind_proxy)
    assert origin_allowed("https://room1.workshop.example.org", behind_proxy)
    assert origin_allowed("https://console.example.net:8443", behind_proxy)
    assert origin_allowed("https://a.partner.example", behind_proxy)
    assert not origin_allowed("https://console.example.net", behind_proxy)  # another port than the trusted one
    assert not origin_allowed("http://console.example.net:8443", behind_proxy)  # another scheme
    assert not origin_allowed("https://evil.example.org", behind_proxy)
    assert not origin_allowed("https://partner.example.evil", behind_proxy)


# ---- through the real application: refused before accept (HTTP 403 handshake) -------------------------

async def room_socket(participant, code, headers):
    cookie = f"{cookie_name(code)}={sign_token(participant.rejoin_token)}"
    return WebsocketCommunicator(application, f"/ws/play/{code}/", headers=[*headers, (b"cookie", cookie.encode())])


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize("headers, accepted", [
    ([(b"origin", b"http://192.168.1.20:8000"), (b"host", b"192.168.1.20:8000")], True),
    ([(b"host", b"192.168.1.20:8000")], True),  # no Origin: not a browser
    ([(b"origin", b"http://evil.example.com"), (b"host", b"192.168.1.20:8000")], False),
    ([(b"origin", b"null"), (b"host", b"192.168.1.20:8000")], False),
])
async def test_a_room_socket_from_another_site_fails_its_handshake(settings, started_session, headers, accepted):
    settings.ALLOWED_HOSTS = ["*"]
    person = await database_sync_to_async(factories.holder)(started_session, "hr")
    comm = await room_socket(person, started_session.join_code, headers)
    connected, code = await comm.connect()
    assert connected is accepted
    if accepted:
        assert (await comm.receive_json_from(timeout=5))["type"] == "state"
        await comm.disconnect()
    else:
        # closed before any accept: the server (daphne) answers the handshake with HTTP 403
        assert connected is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_bots_in_process_socket_is_accepted(started_session):
    """game/bots/runner.py sends Origin http://localhost with Host localhost."""
    from game.bots.runner import InProcessSocket

    person = await database_sync_to_async(factories.holder)(started_session, "hr")
    code = started_session.join_code
    socket = InProcessSocket(application, f"/ws/play/{code}/", f"{cookie_name(code)}={sign_token(person.rejoin_token)}")
    assert await socket.connect()
    await socket.close()
