"""The join address shown on the projector and in the QR code.

A facilitator usually opens the console on the laptop itself (http://127.0.0.1:8000), but a
participant's laptop cannot reach "127.0.0.1": in that case the address uses this machine's
network address instead. LAB_PUBLIC_URL overrides everything (behind a proxy, say).
"""
import ipaddress
import socket

from django.conf import settings
from django.urls import reverse

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}


def machine_ipv4() -> str | None:
    """A non-loopback IPv4 address of this machine, from its own name (no network traffic)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
    except OSError:
        return None
    for info in infos:
        address = info[4][0]
        if not ipaddress.ip_address(address).is_loopback:
            return address
    return None


def join_url(request, join_code: str) -> str:
    path = reverse("join-code", kwargs={"join_code": join_code})
    if settings.PUBLIC_URL:
        return settings.PUBLIC_URL.rstrip("/") + path
    host, _, port = request.get_host().rpartition(":") if request.get_host().count(":") == 1 else \
        (request.get_host(), "", "")
    if host in LOOPBACK_NAMES:
        address = machine_ipv4()
        if address:
            return f"{request.scheme}://{address}{':' + port if port else ''}{path}"
    return request.build_absolute_uri(path)
