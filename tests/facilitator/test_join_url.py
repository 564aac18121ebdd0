"""The join address: detected network addresses, the facilitator's pick, the loopback warning,
LAB_PUBLIC_URL first. Interfaces are monkeypatched (ifaddr's adapters, the UDP route probe and the
machine's name), so these tests describe laptops, not the machine that runs them."""
import io
import json

import ifaddr
import pytest
import segno
from django.test import RequestFactory
from django.utils.html import escape

from facilitator import join_url as join_url_module
from facilitator.join_url import join_address_list, join_target, join_url
from tests import factories


def adapter(name, *addresses, nice_name=None):
    ips = [ifaddr.IP((a, 0, 0) if ":" in a else a, 64 if ":" in a else 24, name) for a in addresses]
    return ifaddr.Adapter(name, nice_name or name, ips)


LOOPBACK = adapter("lo", "127.0.0.1", "::1")
LAPTOPS = {
    # A stock laptop off the network: the name resolves to Debian's 127.0.1.1, no route.
    "loopback_only": ([LOOPBACK], [], ["127.0.1.1"]),
    # On the room's Wi-Fi, with Docker installed (its default bridge and a compose network).
    "lan_and_docker": ([LOOPBACK, adapter("docker0", "172.17.0.1"), adapter("br-3f2a9c8d7e6b", "172.18.0.1"),
                        adapter("wlp2s0", "192.168.1.23", "fe80::1c2b:3aff:fe4d:5e6f"),
                        adapter("veth12ab34", "fe80::a8b3:ff:fe00:1")],
                       ["192.168.1.23"], ["127.0.1.1"]),
    # An IPv6-only room network: link-local, a unique local and a global address.
    "ipv6_only": ([LOOPBACK, adapter("eth0", "fe80::2", "2001:db8:1::10", "fd12:3456::10")],
                  ["2001:db8:1::10"], ["::1"]),
    # Wi-Fi and a cable on two private networks, plus a VPN tunnel.
    "two_lans": ([LOOPBACK, adapter("tun0", "10.8.0.2"), adapter("enp0s31f6", "10.0.0.5"),
                  adapter("wlp2s0", "192.168.1.23")], ["192.168.1.23"], ["127.0.1.1"]),
}


@pytest.fixture
def laptop(monkeypatch, settings):
    settings.PUBLIC_URL = ""

    def use(name):
        adapters, routes, hostname = LAPTOPS[name]
        monkeypatch.setattr(join_url_module.ifaddr, "get_adapters", lambda **kw: list(adapters))
        monkeypatch.setattr(join_url_module, "route_addresses", lambda: list(routes))
        monkeypatch.setattr(join_url_module, "hostname_addresses", lambda: list(hostname))
    return use


def request_to(host):
    return RequestFactory().get("/", HTTP_HOST=host)


def addresses():
    return [a.address for a in join_address_list()]


# --- detection -----------------------------------------------------------------------------------

def test_only_loopback_detects_nothing(laptop):
    laptop("loopback_only")
    assert addresses() == []


def test_loopback_link_local_and_docker_bridges_are_left_out(laptop):
    laptop("lan_and_docker")
    found = join_address_list()
    assert [a.address for a in found] == ["192.168.1.23"]
    assert found[0].interface == "wlp2s0" and found[0].default_route
    assert found[0].label == "192.168.1.23 (wlp2s0, default route)"


def test_ipv6_only_keeps_routable_addresses_private_first(laptop):
    laptop("ipv6_only")
    assert addresses() == ["fd12:3456::10", "2001:db8:1::10"]


def test_ipv4_first_real_cards_before_tunnels_default_route_first(laptop):
    laptop("two_lans")
    assert addresses() == ["192.168.1.23", "10.0.0.5", "10.8.0.2"]


def test_windows_virtual_switches_are_left_out(laptop, monkeypatch):
    laptop("loopback_only")
    monkeypatch.setattr(join_url_module.ifaddr, "get_adapters", lambda **kw: [
        adapter("{0A1B}", "172.25.96.1", nice_name="vEthernet (WSL)"),
        adapter("{2C3D}", "192.168.56.1", nice_name="VirtualBox Host-Only Ethernet Adapter"),
        adapter("{4E5F}", "192.168.0.17", nice_name="Intel(R) Wi-Fi 6 AX201 160MHz")])
    assert addresses() == ["192.168.0.17"]


def test_falls_back_to_the_route_probe_then_the_machine_name(laptop, monkeypatch):
    laptop("loopback_only")

    def broken(**kw):
        raise OSError("no interface table")
    monkeypatch.setattr(join_url_module.ifaddr, "get_adapters", broken)
    monkeypatch.setattr(join_url_module, "route_addresses", lambda: ["192.168.1.40"])
    monkeypatch.setattr(join_url_module, "hostname_addresses", lambda: ["127.0.1.1", "10.1.2.3"])
    assert addresses() == ["192.168.1.40", "10.1.2.3"]
    monkeypatch.setattr(join_url_module, "route_addresses", lambda: [])
    assert addresses() == ["10.1.2.3"]


def test_a_docker_bridge_found_by_a_fallback_stays_out(laptop, monkeypatch):
    laptop("lan_and_docker")
    monkeypatch.setattr(join_url_module, "hostname_addresses", lambda: ["172.17.0.1"])
    assert addresses() == ["192.168.1.23"]


def test_real_detection_runs_on_this_machine(settings):
    for a in join_address_list():  # whatever this machine has: never loopback or link-local
        assert not (a.ip.is_loopback or a.ip.is_link_local)


# --- the default pick and the warning ------------------------------------------------------------

def test_localhost_is_replaced_by_the_best_detected_address(laptop):
    laptop("lan_and_docker")
    assert join_url(request_to("127.0.0.1:8000"), "ABC234") == "http://192.168.1.23:8000/join/ABC234/"
    assert join_url(request_to("localhost"), "ABC234") == "http://192.168.1.23/join/ABC234/"
    assert join_url(request_to("[::1]:8000"), "ABC234") == "http://192.168.1.23:8000/join/ABC234/"
    assert not join_target(request_to("127.0.0.1:8000")).warning


def test_ipv6_only_default_pick_is_bracketed(laptop):
    laptop("ipv6_only")
    assert join_url(request_to("127.0.0.1:8000"), "ABC234") == "http://[fd12:3456::10]:8000/join/ABC234/"


def test_a_real_host_is_kept(laptop):
    laptop("lan_and_docker")
    assert join_url(request_to("plant-lab.local:8000"), "ABC234") == "http://plant-lab.local:8000/join/ABC234/"


def test_only_loopback_keeps_localhost_and_warns_with_the_fix(laptop):
    laptop("loopback_only")
    target = join_target(request_to("127.0.0.1:8000"))
    assert target.url("ABC234") == "http://127.0.0.1:8000/join/ABC234/"
    assert target.is_loopback and target.warning.startswith("Participants cannot open 127.0.0.1 from their laptops")
    assert "LAB_PUBLIC_URL" in target.warning and "network" in target.warning


# --- LAB_PUBLIC_URL -----------------------------------------------------------------------------

def test_public_url_setting_wins(laptop, settings):
    laptop("lan_and_docker")
    settings.PUBLIC_URL = "https://lab.example.com/"
    assert join_url(request_to("127.0.0.1:8000"), "ABC234") == "https://lab.example.com/join/ABC234/"
    assert not join_target(request_to("127.0.0.1:8000")).warning


def test_a_loopback_public_url_is_warned_about(laptop, settings):
    laptop("lan_and_docker")
    settings.PUBLIC_URL = "http://localhost:8000"
    warning = join_target(request_to("127.0.0.1:8000")).warning
    assert "Participants cannot open localhost" in warning and "LAB_PUBLIC_URL" in warning


# --- the console: the picker, the choice, bad input ---------------------------------------------

@pytest.fixture
def console(client, facilitator, laptop):
    client.force_login(facilitator)
    client.defaults["HTTP_HOST"] = "127.0.0.1:8000"
    return client


def page(client, session):
    response = client.get(f"/console/s/{session.id}/")
    assert response.status_code == 200
    return response.content.decode()


def qr_of(url):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=2)
    return buffer.getvalue()


def pick(client, session, address, *, as_json=False):
    url = f"/console/s/{session.id}/join-address/"
    if as_json:
        return client.post(url, data=json.dumps({"address": address}), content_type="application/json")
    return client.post(url, {"address": address})


@pytest.mark.django_db
def test_console_warns_when_only_loopback_exists(console, laptop, lobby_session):
    laptop("loopback_only")
    html = page(console, lobby_session)
    assert 'role="alert"' in html and "Participants cannot open 127.0.0.1 from their laptops" in html
    assert 'id="join-address"' not in html  # nothing to pick


@pytest.mark.django_db
def test_console_lists_the_detected_addresses_in_a_labelled_select(console, laptop, lobby_session):
    laptop("two_lans")
    html = page(console, lobby_session)
    # a native select is a combobox already: an explicit role="combobox" needs aria-expanded (axe)
    assert '<label for="join-address">' in html and '<select id="join-address"' in html and 'role="combobox"' not in html
    for address in ("192.168.1.23", "10.0.0.5", "10.8.0.2"):
        assert f'<option value="{address}"' in html
    assert "172.17" not in html and "127.0.0.1:8000/join" not in html and "join-warning" not in html
    assert f"http://192.168.1.23:8000/join/{lobby_session.join_code}/" in html


@pytest.mark.django_db
def test_the_choice_changes_the_url_and_the_qr(console, laptop, lobby_session):
    laptop("two_lans")
    code = lobby_session.join_code
    response = pick(console, lobby_session, "10.0.0.5")
    assert response.status_code == 302 and response["Location"] == f"/console/s/{lobby_session.id}/"
    html = page(console, lobby_session)
    assert f"http://10.0.0.5:8000/join/{code}/" in html and '<option value="10.0.0.5" selected>' in html
    assert console.get(f"/console/s/{lobby_session.id}/qr.svg").content == qr_of(f"http://10.0.0.5:8000/join/{code}/")
    answer = pick(console, lobby_session, "192.168.1.23", as_json=True)
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "join_url": f"http://192.168.1.23:8000/join/{code}/", "address": "192.168.1.23"}
    assert console.get(f"/console/s/{lobby_session.id}/qr.svg").content == qr_of(f"http://192.168.1.23:8000/join/{code}/")
    assert pick(console, lobby_session, "").status_code == 302  # back to the automatic pick
    assert '<option value="" selected>' in page(console, lobby_session)


@pytest.mark.django_db
def test_the_choice_wins_over_a_real_host_and_is_kept_per_session(console, laptop, facilitator, lobby_session):
    laptop("two_lans")
    other = factories.make_session(facilitator)
    pick(console, lobby_session, "10.0.0.5")
    console.defaults["HTTP_HOST"] = "plant-lab.local:8000"
    assert f"http://10.0.0.5:8000/join/{lobby_session.join_code}/" in page(console, lobby_session)
    assert f"http://plant-lab.local:8000/join/{other.join_code}/" in page(console, other)


@pytest.mark.django_db
def test_a_pick_that_left_the_laptop_falls_back_to_automatic(console, laptop, lobby_session):
    laptop("two_lans")
    pick(console, lobby_session, "10.0.0.5")
    laptop("lan_and_docker")  # the cable was unplugged
    assert f"http://192.168.1.23:8000/join/{lobby_session.join_code}/" in page(console, lobby_session)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["10.9.9.9", "127.0.0.1", "172.17.0.1", "fe80::1c2b:3aff:fe4d:5e6f",
                                 "not an address", "192.168.1.23:8000", "x" * 5000])
def test_an_address_that_was_not_detected_is_refused_and_nothing_changes(console, laptop, lobby_session, bad):
    laptop("lan_and_docker")
    pick(console, lobby_session, "192.168.1.23")
    before = page(console, lobby_session)
    response = pick(console, lobby_session, bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="join-address-error" role="alert"' in html
    assert "is not a network address of this laptop. Pick one of: 192.168.1.23." in html
    assert len(html) < len(before) + 400  # a huge input is not echoed whole
    answer = pick(console, lobby_session, bad, as_json=True)
    assert answer.status_code == 400 and answer.json()["error"]["code"] == "unknown_join_address"
    assert answer.json()["error"]["field"] == "address"
    assert f"http://192.168.1.23:8000/join/{lobby_session.join_code}/" in page(console, lobby_session)


@pytest.mark.django_db
def test_malformed_json_picks_are_refused(console, laptop, lobby_session):
    laptop("lan_and_docker")
    url = f"/console/s/{lobby_session.id}/join-address/"
    for body in ('{"address": 1e400}', '{"address": ["192.168.1.23"]}', '{"address": null}'):
        response = console.post(url, data=body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_join_address"
    for body in ("[1]", "{", '"x"'):
        response = console.post(url, data=body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_json"
    assert console.get(url).status_code == 405


@pytest.mark.django_db
def test_no_address_to_pick_gives_the_fix(console, laptop, lobby_session):
    laptop("loopback_only")
    response = pick(console, lobby_session, "192.168.1.23", as_json=True)
    assert response.status_code == 400 and "LAB_PUBLIC_URL" in response.json()["error"]["message"]


@pytest.mark.django_db
def test_another_facilitators_session_is_refused(client, laptop, lobby_session):
    laptop("lan_and_docker")
    client.force_login(factories.make_facilitator())
    assert pick(client, lobby_session, "192.168.1.23").status_code == 403
    assert pick(client, lobby_session, "192.168.1.23", as_json=True).status_code == 403
    assert client.post("/console/s/999999/join-address/", {"address": "192.168.1.23"}).status_code == 404
    client.logout()
    response = pick(client, lobby_session, "192.168.1.23")
    assert response.status_code == 302 and "/console/login/" in response["Location"]


@pytest.mark.django_db
def test_the_pick_needs_the_csrf_token(laptop, facilitator, lobby_session):
    from django.test import Client
    client = Client(enforce_csrf_checks=True, HTTP_HOST="127.0.0.1:8000")
    client.force_login(facilitator)
    laptop("lan_and_docker")
    assert pick(client, lobby_session, "192.168.1.23").status_code == 403


@pytest.mark.django_db
def test_public_url_wins_over_the_pick_and_hides_the_picker(console, laptop, settings, lobby_session):
    laptop("two_lans")
    pick(console, lobby_session, "10.0.0.5")
    settings.PUBLIC_URL = "https://lab.example.com"
    code = lobby_session.join_code
    html = page(console, lobby_session)
    assert f"https://lab.example.com/join/{code}/" in html and "10.0.0.5:8000" not in html
    assert 'id="join-address"' not in html and "set by LAB_PUBLIC_URL" in html
    assert console.get(f"/console/s/{lobby_session.id}/qr.svg").content == qr_of(f"https://lab.example.com/join/{code}/")
    assert escape("Participants cannot open") not in html
