"""The join address shown on the projector and in the QR code.

A facilitator usually opens the console on the laptop itself (http://127.0.0.1:8000), but a
participant's laptop cannot reach "127.0.0.1", and on stock laptops the machine's own name resolves
to a loopback address too (Debian's 127.0.1.1). So the address is found from the network interfaces
(`ifaddr`), then the address the default route would use (a UDP "connect", which sends nothing), then
the machine's name; loopback, link-local and container/VM bridges are left out, private LAN
addresses and IPv4 come first. The facilitator can pick another detected address on the console; the
pick is kept in their browser session, per lab session. LAB_PUBLIC_URL overrides everything (behind a
proxy, say).
"""
import io
import ipaddress
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import ifaddr
import segno
from django.conf import settings
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.translation import gettext

from classroom.errors import LabError
from classroom.services.access import session_for_facilitator

LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]"}
PRIVATE_LAN = [ipaddress.ip_network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")]
# Interfaces participants cannot reach: container and VM host-only bridges (Linux names by prefix,
# Windows/macOS adapter names by phrase). A plain "br0" may carry the real LAN, so only docker's
# "br-<hex>" networks are left out.
BRIDGE_NAME = re.compile(r"^(docker|br-[0-9a-f]{6,}|veth|virbr|vboxnet|vmnet|podman|cni|flannel|lxcbr|lxdbr|cali|"
                         r"kube|weave)", re.IGNORECASE)
BRIDGE_PHRASES = ("docker", "wsl", "default switch", "virtualbox host-only", "vmware virtual ethernet")
# VPN tunnels: kept, but after the real network cards.
TUNNEL_NAME = re.compile(r"^(tun|tap|utun|wg|tailscale|zt|ppp|ipsec)", re.IGNORECASE)
ROUTE_PROBES = {socket.AF_INET: "192.0.2.1", socket.AF_INET6: "2001:db8::1"}  # documentation ranges
SESSION_KEY = "lab.join_address.{session_id}"


@dataclass(frozen=True)
class JoinAddress:
    """A network address of this laptop that participants may be able to open."""
    address: str
    interface: str = ""
    default_route: bool = False

    @property
    def ip(self):
        return ipaddress.ip_address(self.address)

    @property
    def url_host(self) -> str:
        return f"[{self.address}]" if self.ip.version == 6 else self.address

    @property
    def label(self) -> str:
        notes = [self.interface] if self.interface else []
        if self.default_route:
            notes.append("default route")
        return f"{self.address} ({', '.join(notes)})" if notes else self.address


@dataclass(frozen=True)
class JoinTarget:
    """Where participants are sent, and why: what the console shows around the join code."""
    base: str  # scheme://host[:port], no trailing slash
    host: str  # the host alone, without brackets
    source: str  # "public_url", "chosen", "request", "detected" or "loopback"
    addresses: list[JoinAddress] = field(default_factory=list)
    chosen: str = ""

    @property
    def is_loopback(self) -> bool:
        return host_is_loopback(self.host)

    def url(self, join_code: str) -> str:
        return self.base + reverse("join-code", kwargs={"join_code": join_code})

    @property
    def warning(self) -> str:
        if not self.is_loopback:
            return ""
        head = f"Participants cannot open {self.host} from their laptops: "
        if self.source == "public_url":
            return head + "LAB_PUBLIC_URL points at this laptop itself; set it to an address they can reach."
        if self.addresses:
            return head + "pick your network address below, or set LAB_PUBLIC_URL."
        return head + ("this laptop has no network address they could reach. Connect it to the room's Wi-Fi "
                       "or network cable and reload this page, or set LAB_PUBLIC_URL.")


def host_is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return False
    return ip.is_loopback or ip.is_unspecified


def _usable(ip) -> bool:
    return not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)


def _is_bridge(*names: str) -> bool:
    return any(BRIDGE_NAME.match(n) or any(p in n.lower() for p in BRIDGE_PHRASES) for n in names if n)


def interface_addresses() -> list[tuple[str, str, bool]]:
    """(interface, address, is_bridge) for every address of every interface, via ifaddr."""
    found = []
    try:
        adapters = ifaddr.get_adapters()
    except Exception:  # ifaddr reads the OS's interface table through ctypes; never let it break the console
        return found
    for adapter in adapters:
        name = adapter.nice_name or adapter.name
        bridge = _is_bridge(adapter.name, adapter.nice_name)
        for ip in adapter.ips:
            address = ip.ip[0] if isinstance(ip.ip, tuple) else ip.ip
            found.append((name, address.split("%")[0], bridge))
    return found


def route_addresses() -> list[str]:
    """The source address the OS would use towards a remote host, per family. A UDP connect sends no
    packet; it fails on a machine with no route at all."""
    found = []
    for family, probe in ROUTE_PROBES.items():
        try:
            with socket.socket(family, socket.SOCK_DGRAM) as sock:
                sock.connect((probe, 9))
                found.append(sock.getsockname()[0].split("%")[0])
        except OSError:
            continue
    return found


def hostname_addresses() -> list[str]:
    """What the machine's own name resolves to (on stock laptops often only a loopback address)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None)
    except OSError:
        return []
    return [info[4][0].split("%")[0] for info in infos if info[0] in (socket.AF_INET, socket.AF_INET6)]


def join_address_list() -> list[JoinAddress]:
    """This laptop's addresses participants may reach, best first: IPv4 before IPv6, real network
    cards before VPN tunnels, private LAN ranges first, the default route's address first."""
    interfaces = interface_addresses()
    routes = {ipaddress.ip_address(a) for a in route_addresses() if _parse(a)}
    seen, candidates = set(), []
    sources = interfaces + [("", address, False) for address in [*map(str, routes), *hostname_addresses()]]
    bridged = {_parse(a) for _, a, bridge in interfaces if bridge}
    for order, (name, address, bridge) in enumerate(sources):
        ip = _parse(address)
        if ip is None or ip in seen or bridge or ip in bridged or not _usable(ip):
            continue
        seen.add(ip)
        if not name:  # found by a fallback: name it from the interface list when it is there
            name = next((n for n, a, _ in interfaces if _parse(a) == ip), "")
        candidates.append((order, JoinAddress(address=str(ip), interface=name, default_route=ip in routes)))

    def rank(item):
        order, candidate = item
        ip = candidate.ip
        return (ip.version == 6, bool(TUNNEL_NAME.match(candidate.interface)),
                not any(ip in net for net in PRIVATE_LAN), not candidate.default_route, order)

    return [candidate for _, candidate in sorted(candidates, key=rank)]


def _parse(address):
    try:
        return ipaddress.ip_address(str(address).strip().strip("[]").split("%")[0])
    except ValueError:
        return None


def _chosen(request, session_id, addresses: list[JoinAddress]) -> JoinAddress | None:
    if session_id is None or not hasattr(request, "session"):
        return None
    stored = _parse(request.session.get(SESSION_KEY.format(session_id=session_id), ""))
    return next((a for a in addresses if a.ip == stored), None) if stored else None


def join_target(request, *, session_id: int | None = None) -> JoinTarget:
    """The join address in force for this console, with the detected addresses and the pick."""
    addresses = join_address_list()
    chosen = _chosen(request, session_id, addresses)
    chosen_value = chosen.address if chosen else ""
    if settings.PUBLIC_URL:
        base = settings.PUBLIC_URL.rstrip("/")
        return JoinTarget(base=base, host=urlsplit(base).hostname or "", source="public_url",
                          addresses=addresses, chosen=chosen_value)
    domain, port = split_domain_port(request.get_host())
    suffix = f":{port}" if port else ""
    if chosen:
        return JoinTarget(base=f"{request.scheme}://{chosen.url_host}{suffix}", host=chosen.address,
                          source="chosen", addresses=addresses, chosen=chosen_value)
    if not host_is_loopback(domain):
        return JoinTarget(base=f"{request.scheme}://{request.get_host()}", host=domain.strip("[]"),
                          source="request", addresses=addresses)
    if addresses:
        best = addresses[0]
        return JoinTarget(base=f"{request.scheme}://{best.url_host}{suffix}", host=best.address,
                          source="detected", addresses=addresses)
    return JoinTarget(base=f"{request.scheme}://{request.get_host()}", host=domain.strip("[]"),
                      source="loopback", addresses=addresses)


def join_url(request, join_code: str, *, session_id: int | None = None) -> str:
    return join_target(request, session_id=session_id).url(join_code)


def join_qr_svg(url: str) -> bytes:
    """The QR code of a join address, as SVG (the console and the projector view show it)."""
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    return buffer.getvalue()


def join_address_choose(*, request, session_id: int, address) -> JoinTarget:
    """The facilitator picks the address participants are sent to ("" returns to the automatic pick).
    Only this session's facilitator may; only an address detected on this laptop is accepted."""
    session_for_facilitator(session_id=session_id, user=request.user)
    if not isinstance(address, str):
        raise LabError("invalid_join_address", gettext("Pick one of the addresses in the list."), field="address")
    key = SESSION_KEY.format(session_id=session_id)
    if address.strip() == "":
        request.session.pop(key, None)
        return join_target(request, session_id=session_id)
    addresses = join_address_list()
    ip = _parse(address)
    match = next((a for a in addresses if a.ip == ip), None) if ip else None
    if match is None:
        shown = address if len(address) <= 60 else address[:57] + "..."
        if addresses:
            raise LabError("unknown_join_address",
                           gettext("%(address)s is not a network address of this laptop. Pick one of: %(list)s.") % {
                               "address": repr(shown), "list": ", ".join(a.address for a in addresses)},
                           field="address")
        raise LabError("unknown_join_address",
                       gettext("%(address)s is not a network address of this laptop, and it has none participants "
                               "could reach: connect it to the room's network, or set LAB_PUBLIC_URL.") % {
                           "address": repr(shown)}, field="address")
    request.session[key] = match.address
    return join_target(request, session_id=session_id)
