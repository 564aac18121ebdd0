"""The authorization matrix (tests/authorization_matrix.py) checked cell by cell against the running code.

One test per row tries the row as every actor and reports every cell that differs; a second test makes
sure every URL the project serves has a row; a third that docs/security.md shows the same table.
"""
import json
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth import get_user_model
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver

from classroom.identity import cookie_name, sign_token
from tests import factories
from tests.authorization_matrix import ACTORS, HTTP_ROWS, PARTICIPANTS, ROWS, SOCKET_ROWS, Row, markdown

FORBIDDEN_CODES = {"not_your_lever", "not_your_decision", "not_your_role", "forbidden", "not_facilitator"}
CLOSE_OUTCOMES = {4401: "401", 4403: "403"}
# Served by libraries with their own tested rules (the admin's many pages) or static files.
UNLISTED_PREFIXES = ("admin/", "console/scenarios/", "static/")


def _world():
    """Two running sessions: the one under test (two teams) and another, with one user of each kind."""
    owner, other_facilitator = factories.make_facilitator(), factories.make_facilitator()
    session = factories.make_session(owner)
    factories.join_many(session, 8)
    factories.start(session, owner)
    other = factories.make_session(other_facilitator)
    factories.join_many(other, 4, prefix="Elsewhere")
    factories.start(other, other_facilitator)
    second_team = session.teams.get(number=2)
    people = {  # (join code of their session, rejoin token, participant id): all a browser holds
        "member": _seat(factories.holder(session, "director")),
        "other_team": _seat(second_team.seats.get(role="director").participant),
        "other_session": _seat(factories.holder(other, "director")),
    }
    users = {"owner": owner, "other_facilitator": other_facilitator, "hr": factories.make_hr_only(),
             "admin": get_user_model().objects.create_superuser("root-matrix", password="pw-for-tests")}
    return session, people, users


def _seat(person) -> tuple[str, str, int]:
    return person.session.join_code, person.rejoin_token, person.id


def _cookie(seat: tuple[str, str, int]) -> tuple[str, str]:
    return cookie_name(seat[0]), sign_token(seat[1])


def _client(actor: str, people, users) -> Client:
    client = Client()
    if actor in users:
        client.force_login(users[actor])
    elif actor in people:
        name, value = _cookie(people[actor])
        client.cookies[name] = value
    return client


def _fill(text: str, session, people) -> str:
    return text.format(code=session.join_code, sid=session.id, pid=people["member"][2])


def _http_outcome(response) -> str:
    if response.status_code in (301, 302, 303):
        where = response["Location"]
        if "login" in where:
            return "login"
        return "join" if where.startswith("/join") else "yes"
    if response.status_code in (401, 403):
        return str(response.status_code)
    if response.status_code == 404 and "json" in response.get("Content-Type", ""):
        return "yes"  # a JSON answer naming what is missing: the request was judged on its content
    if response.status_code >= 404:
        return str(response.status_code)
    return "yes"  # 2xx, or judged on its content (400 bad input, 405, 409)


def _http_try(row: Row, actor: str, session, people, users) -> str:
    with override_settings(**row.settings):
        return _http_send(row, actor, session, people, users)


def _http_send(row: Row, actor: str, session, people, users) -> str:
    client = _client(actor, people, users)
    path = _fill(row.path, session, people)
    if row.method == "GET":
        return _http_outcome(client.get(path))
    if row.form is not None:
        form = {key: _fill(value, session, people) for key, value in row.form.items()}
        return _http_outcome(client.post(path, form))
    return _http_outcome(client.post(path, json.dumps(row.body or {}), content_type="application/json"))


@pytest.mark.django_db
@pytest.mark.parametrize("row", HTTP_ROWS, ids=lambda row: f"{row.method} {row.path} {row.label}")
def test_every_http_cell(row):
    session, people, users = _world()
    seen = {actor: _http_try(row, actor, session, people, users) for actor in ACTORS}
    expected = {actor: "yes" if cell == "own team" else cell for actor, cell in row.cells.items()}
    assert seen == expected, f"{row.label}: differs in {[a for a in ACTORS if seen[a] != expected[a]]}"


async def _socket_try(row: Row, actor: str, session, people, users) -> str:
    headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
    if actor in people:
        name, value = _cookie(people[actor])
        headers.append((b"cookie", f"{name}={value}".encode()))
    elif actor in users:
        client = await database_sync_to_async(_client)(actor, people, users)
        headers.append((b"cookie", f"sessionid={client.cookies['sessionid'].value}".encode()))
    from config.asgi import application

    comm = WebsocketCommunicator(application, _fill(row.path, session, people), headers=headers)
    connected, code = await comm.connect(timeout=5)
    try:
        if not connected:
            return CLOSE_OUTCOMES.get(code, f"closed {code}")
        first = await comm.receive_output(timeout=5)
        if first["type"] == "websocket.close":
            return CLOSE_OUTCOMES.get(first.get("code"), f"closed {first.get('code')}")
        snapshot = json.loads(first["text"])
        while snapshot.get("type") != "state":
            snapshot = await comm.receive_json_from(timeout=5)
        if "/ws/console/" in row.path:
            return "yes"
        mine = "yes" if snapshot["team"]["number"] == 1 else "own team"
        if row.body is None:
            return mine
        version = (snapshot.get("package") or {}).get("version", 1)
        message = {**row.body, "id": f"matrix-{actor}", "version": version, "base_version": version}
        if message["type"] == "package.edit" and message["lever"] == "production_target":
            message["value"] = snapshot["package"]["levers"]["production_target"]
        await comm.send_json_to(message)
        while True:
            frame = await comm.receive_json_from(timeout=5)
            if frame.get("ref") == message["id"] or frame["type"] in ("error", "state"):
                break
        if frame["type"] == "error" and frame["code"] in FORBIDDEN_CODES:
            return "403"
        return mine
    finally:
        await comm.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
@pytest.mark.parametrize("row", SOCKET_ROWS, ids=lambda row: row.label)
async def test_every_socket_cell(row):
    session, people, users = await database_sync_to_async(_world)()
    seen = {actor: await _socket_try(row, actor, session, people, users) for actor in ACTORS}
    assert seen == row.cells, f"{row.label}: differs in {[a for a in ACTORS if seen[a] != row.cells[a]]}"


def _served_names(patterns, prefix=""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith(UNLISTED_PREFIXES):
                yield from _served_names(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern) and not route.startswith(UNLISTED_PREFIXES):
            yield pattern.name or route


def test_every_served_url_has_a_row():
    covered = {row.url_name for row in ROWS if row.url_name}
    missing = sorted(set(_served_names(get_resolver().url_patterns)) - covered)
    assert not missing, f"Add these endpoints to tests/authorization_matrix.py and docs/security.md: {missing}"


def test_every_cell_is_a_known_outcome_for_every_actor():
    for row in ROWS:
        assert set(row.cells) == set(ACTORS), row.label
        assert set(row.cells.values()) <= {"yes", "own team", "login", "join", "401", "403"}, row.label
        assert all(row.cells[a] in ("yes", "own team", "join", "403", "401", "login") for a in PARTICIPANTS)


def test_docs_security_shows_this_matrix():
    text = (Path(__file__).resolve().parent.parent / "docs" / "security.md").read_text()
    begin, end = "<!-- matrix:begin -->", "<!-- matrix:end -->"
    assert begin in text and end in text, "docs/security.md lost its matrix markers"
    shown = text.split(begin, 1)[1].split(end, 1)[0].strip()
    assert shown == markdown(), "docs/security.md's matrix differs: paste `python -m tests.authorization_matrix`"
