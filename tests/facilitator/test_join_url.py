from django.test import RequestFactory

from facilitator import join_url as join_url_module
from facilitator.join_url import join_url


def test_public_url_setting_wins(settings):
    settings.PUBLIC_URL = "https://lab.example.com/"
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    assert join_url(request, "ABC234") == "https://lab.example.com/join/ABC234/"


def test_localhost_is_replaced_by_the_machines_network_address(settings, monkeypatch):
    settings.PUBLIC_URL = ""
    monkeypatch.setattr(join_url_module, "machine_ipv4", lambda: "192.0.2.10")
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    assert join_url(request, "ABC234") == "http://192.0.2.10:8000/join/ABC234/"
    request = RequestFactory().get("/", HTTP_HOST="localhost")
    assert join_url(request, "ABC234") == "http://192.0.2.10/join/ABC234/"


def test_a_real_host_is_kept(settings, monkeypatch):
    settings.PUBLIC_URL = ""
    monkeypatch.setattr(join_url_module, "machine_ipv4", lambda: "192.0.2.10")
    request = RequestFactory().get("/", HTTP_HOST="plant-lab.local:8000")
    assert join_url(request, "ABC234") == "http://plant-lab.local:8000/join/ABC234/"


def test_without_a_network_address_localhost_stays(settings, monkeypatch):
    settings.PUBLIC_URL = ""
    monkeypatch.setattr(join_url_module, "machine_ipv4", lambda: None)
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    assert join_url(request, "ABC234") == "http://127.0.0.1:8000/join/ABC234/"
