"""The lab's own pages for a wrong address, an expired form and a server failure: in words, in the reader's
language, with a way back, never Django's technical pages."""
import re
from html import unescape

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation


def text_of(body: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", body))).strip()


@pytest.mark.django_db
def test_a_wrong_address_is_a_page_in_words_with_a_way_back(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "This page does not exist" in text_of(body) and 'href="/"' in body and 'href="/console/login/"' in body
    assert 'role="alert"' in body and "lab/lab" in body  # the lab's look, not Django's bare page


@pytest.mark.django_db
def test_a_wrong_address_speaks_the_readers_language(client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 404 and "Diese Seite gibt es nicht" in text_of(response.content.decode())


@pytest.mark.django_db
def test_an_expired_form_says_what_happened_and_what_to_do():
    browser = Client(enforce_csrf_checks=True)
    response = browser.post("/join/", {"join_code": "ABCDEF", "display_name": "Ann"})
    assert response.status_code == 403
    shown = text_of(response.content.decode())
    assert "The form had expired" in shown and "Nothing was saved" in shown and "reload the page" in shown
    assert "CSRF" not in shown


def test_the_server_failure_page_stands_alone_in_words():
    with translation.override("fr"):
        body = render_to_string("500.html")  # Django renders it without a request
    assert "Un problème est survenu" in text_of(body) and 'href="/"' in body
    assert "Traceback" not in body
