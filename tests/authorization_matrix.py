"""Who may do what: every HTTP endpoint and socket message against every kind of actor, in one table.

The table is the contract. tests/test_authorization.py checks every cell against the running code,
checks that every URL the project serves has a row, and checks that docs/security.md shows exactly
this table (`python -m tests.authorization_matrix` prints it).

Outcomes, as a person meets them:
  yes       the actor may do it (the request is judged on its content: 2xx, or 400 for bad input)
  own team  a participant of another team may send it, but it acts on their own team only
  login     sent to a login page
  join      sent to the join page (no seat in that session on this browser)
  401       refused: not authenticated (API), or the socket is closed with 4401
  403       refused: authenticated but not allowed (page, JSON or socket close 4403 / error frame)
"""
from dataclasses import dataclass, field

ACTORS = ("anon", "member", "other_team", "other_session", "owner", "other_facilitator", "hr", "admin")
ACTOR_TITLES = {
    "anon": "anonymous",
    "member": "participant of the team",
    "other_team": "participant of another team",
    "other_session": "participant of another session",
    "owner": "facilitator of the session",
    "other_facilitator": "facilitator of another session",
    "hr": "HR",
    "admin": "admin (superuser)",
}
PARTICIPANTS = ("member", "other_team", "other_session")


def _cells(default: str, **overrides: str) -> dict[str, str]:
    cells = {actor: default for actor in ACTORS}
    cells.update(overrides)
    return cells


def public() -> dict[str, str]:
    return _cells("yes")


def staff_page(*, owner="yes", other_facilitator="yes", hr="403", admin="yes", nobody="login") -> dict[str, str]:
    """A page behind the staff login: anyone without one (participants included) is sent to log in."""
    return _cells(nobody, owner=owner, other_facilitator=other_facilitator, hr=hr, admin=admin)


def console_of_session() -> dict[str, str]:
    return staff_page(other_facilitator="403")


def console_json() -> dict[str, str]:
    """A JSON endpoint of the console: without a login the answer is 401 in JSON, not the login page."""
    return staff_page(other_facilitator="403", nobody="401")


def reports_page(*, other_facilitator="yes") -> dict[str, str]:
    return staff_page(hr="yes", other_facilitator=other_facilitator)


def api(*, owner="yes", other_facilitator="yes", hr="yes", admin="yes") -> dict[str, str]:
    return _cells("401", owner=owner, other_facilitator=other_facilitator, hr=hr, admin=admin)


def participant_page(*, outsiders="join") -> dict[str, str]:
    """A page of the team room: the seat this browser holds in the session, or the join page."""
    return _cells(outsiders, member="yes", other_team="own team")


def team_socket(*, member="yes") -> dict[str, str]:
    return _cells("401", member=member, other_team="own team" if member == "yes" else member)


@dataclass(frozen=True)
class Row:
    label: str  # as docs/security.md shows it
    method: str  # GET, POST, or WS (a socket: connect, or one message on the team/console socket)
    path: str  # {code}/{sid}: the session under test; {pid}: the member's participant id; {uid}: member's ledger
    cells: dict[str, str]
    body: dict | None = None  # JSON for POST commands and socket messages
    form: dict | None = None  # form fields for POST pages
    note: str = ""
    url_name: str = ""  # the Django URL name this row covers (the completeness check)
    extra: dict = field(default_factory=dict)
    settings: dict = field(default_factory=dict)  # Django settings the row is tried with


def _command(action: str, body: dict | None = None, note: str = "") -> Row:
    return Row(f"console command `{action}`", "POST", "/console/s/{sid}/" + action + "/", console_of_session(),
               body=body or {}, note=note, url_name="session-command")


# Single sign-on switched on, with the provider's endpoints given (no discovery: nothing leaves the test).
SSO_ON = {"LAB_OIDC_ENABLED": True, "LAB_OIDC_ISSUER": "https://idp.example.org", "OIDC_RP_CLIENT_ID": "lab",
          "LAB_OIDC_ENDPOINTS": {"OIDC_OP_AUTHORIZATION_ENDPOINT": "https://idp.example.org/authorize",
                                 "OIDC_OP_TOKEN_ENDPOINT": "https://idp.example.org/token",
                                 "OIDC_OP_USER_ENDPOINT": "https://idp.example.org/userinfo",
                                 "OIDC_OP_JWKS_ENDPOINT": "https://idp.example.org/jwks"}}

HTTP_ROWS: tuple[Row, ...] = (
    Row("home page (join form)", "GET", "/", public(), url_name="home"),
    Row("join page", "GET", "/join/{code}/", public(), note="a browser that already holds a seat is sent to its room",
        url_name="join-code"),
    Row("join (post the form)", "POST", "/join/", public(), form={"join_code": "{code}", "display_name": ""},
        note="anyone with the code may join; wrong codes are limited", url_name="join"),
    Row("join (no code in the path)", "GET", "/join/", public(), url_name="join"),
    Row("team room page", "GET", "/play/{code}/", participant_page(), url_name="room"),
    Row("what-if page", "GET", "/play/{code}/what-if/", participant_page(outsiders="403"),
        note="its replays open when the session has ended", url_name="whatif"),
    Row("what-if JSON", "POST", "/play/{code}/what-if.json", _cells("403"), body={"levers": {}},
        note="403 for everyone while the session runs; afterwards its own team's participants only "
             "(tests/game/test_whatif_views.py)", url_name="whatif-json"),
    Row("projector page", "GET", "/projector/{code}/", public(), note="the join code is on the wall already",
        url_name="projector"),
    Row("projector state JSON", "GET", "/projector/{code}/state.json", public(), url_name="projector-state"),
    Row("projector QR code", "GET", "/projector/{code}/qr.svg", public(), url_name="projector-qr"),
    Row("choose a language", "POST", "/language/", public(), form={"language": "de", "next": "/"},
        note="kept for the caller only: their staff login, the seat this browser holds", url_name="language-set"),
    Row("browser strings in the page's language", "GET", "/jsi18n/", public(), url_name="javascript-catalog"),
    Row("LTI 1.3: login initiation (from a learning platform)", "POST", "/lti/login/", public(), form={},
        note="judged on the platform's parameters (an unregistered platform: 400); the signed launch decides "
             "who gets what", url_name="lti-login"),
    Row("LTI 1.3: launch (the platform posts the signed id_token)", "POST", "/lti/launch/", public(), form={},
        note="a launch without a valid signed id_token, state and one-time nonce is refused (400) and stores "
             "nothing; a valid one seats a learner or opens its own session's console to its facilitator only "
             "(tests/facilitator/test_lti.py)", url_name="lti-launch"),
    Row("LTI 1.3: a learner confirms the join form of their launch", "POST", "/lti/join/", public(),
        form={"token": "", "display_name": "X"},
        note="only with the form's signed token from a checked launch (15 minutes), else 400; it seats the "
             "launch's identity", url_name="lti-join"),
    Row("LTI 1.3: the tool's public keys (JWKS)", "GET", "/lti/jwks/", public(), note="public keys only",
        url_name="lti-jwks"),
    Row("staff login page", "GET", "/console/login/", public(), url_name="login"),
    Row("single sign-on: start a login", "GET", "/oidc/authenticate/", public(), settings=SSO_ON,
        note="sent to the provider's login; 404 in words when single sign-on is not set up",
        url_name="oidc_authentication_init"),
    Row("single sign-on: the provider's answer", "GET", "/oidc/callback/", _cells("login"), settings=SSO_ON,
        note="an answer to a login started in this browser logs in; groups granting nothing: 403 in words, "
        "nothing kept", url_name="oidc_authentication_callback"),
    Row("log out", "POST", "/console/logout/", _cells("login"), form={},
        note="ends whatever login the browser has, then shows the login page", url_name="logout"),
    Row("console: sessions list", "GET", "/console/", staff_page(), url_name="console"),
    Row("facilitator guide of a scenario", "GET", "/console/guide/demo/", staff_page(),
        note="shipped or authored; the teaching note, questions and what to look for", url_name="scenario-guide"),
    Row("console: create a session", "POST", "/console/sessions/new/", staff_page(), form={},
        url_name="session-new"),
    Row("console of a session", "GET", "/console/s/{sid}/", console_of_session(), url_name="session-console"),
    Row("console: join QR code", "GET", "/console/s/{sid}/qr.svg", console_of_session(), url_name="session-qr"),
    Row("console: join address", "POST", "/console/s/{sid}/join-address/", console_of_session(), body={},
        url_name="session-join-address"),
    Row("debrief page", "GET", "/console/s/{sid}/debrief/", console_of_session(), url_name="session-debrief"),
    Row("facilitator guide of a session's scenario", "GET", "/console/s/{sid}/guide/", console_of_session(),
        note="with every team's figures of the latest closed round", url_name="session-guide"),
    Row("results CSV", "GET", "/console/s/{sid}/results.csv", console_of_session(), url_name="session-results-csv"),
    Row("results XLSX", "GET", "/console/s/{sid}/results.xlsx", console_of_session(),
        url_name="session-results-xlsx"),
    Row("clone a session", "POST", "/console/s/{sid}/clone/", console_of_session(), form={},
        url_name="session-clone"),
    Row("counterfactual replay", "POST", "/console/s/{sid}/counterfactual/", console_json(), body={},
        url_name="session-counterfactual"),
    Row("disruption impact", "POST", "/console/s/{sid}/disruption-impact/", console_json(), body={},
        url_name="session-disruption-impact"),
    Row("console: locked-out devices", "GET", "/console/s/{sid}/lockouts/", console_of_session(),
        note="join lockouts to every facilitator, rejoin lockouts to the session's own", url_name="session-lockouts"),
    Row("console: personal data the session asks", "POST", "/console/s/{sid}/personal-data/", console_of_session(),
        form={}, url_name="session-personal-data"),
    _command("pause"),
    _command("resume"),
    _command("extend", {"minutes": 1}),
    _command("advance", {"round": 1}),
    _command("seat", {"participant": 0, "team": 1}),
    _command("role", {"participant": 0, "role": "hr"}),
    _command("cover", {"team": 1, "role": "hr"}),
    _command("cover-settings", {"mode": "ask", "after_seconds": 120}),
    _command("projector-settings", {"show_leaderboard": True}),
    _command("bots", {"teams": [], "strategy": "keep"}),
    _command("inject", {"disruption": {}}),
    _command("disruption-edit", {"id": None}),
    _command("disruption-cancel", {"id": None}),
    _command("end", {}),
    _command("archive", {}),
    _command("unarchive", {}),
    _command("start", {}),
    Row("scenario editor", "GET", "/console/scenarios/", staff_page(hr="login", admin="yes"),
        note="its own login; the authoring permissions come with the facilitator group"),
    Row("participation reports page", "GET", "/reports/", reports_page(), url_name="reports"),
    Row("participation reports of this session", "GET", "/reports/?session={sid}",
        reports_page(other_facilitator="403"), url_name="reports"),
    Row("API: sessions list", "GET", "/api/sessions/", api(hr="yes"), url_name="api-sessions"),
    Row("API: results of a session", "GET", "/api/sessions/{sid}/results/", api(other_facilitator="403", hr="403"),
        url_name="api-session-results"),
    *(Row(f"API: {kind} report", "GET", f"/api/reports/participation/{kind}/?session={{sid}}",
          api(other_facilitator="403"), url_name=f"api-report-{kind}")
      for kind in ("people", "roles", "teams", "sessions")),
    Row("API: a report kind that does not exist", "GET", "/api/reports/participation/nothing/", api(),
        note="404 in words once authenticated", url_name="api-report-unknown"),
    Row("API: one session", "GET", "/api/sessions/{sid}/", api(other_facilitator="403"), url_name="api-session"),
    Row("API: the ledger of a session", "GET", "/api/ledger/?session={sid}", api(other_facilitator="403"),
        url_name="api-ledger"),
    Row("API: everything stored about a person", "GET", "/api/personal-data/participants/{pid}/",
        api(other_facilitator="403"), url_name="api-personal-data-participant"),
    Row("API: erase a person's personal data", "POST", "/api/personal-data/participants/{pid}/erase/",
        api(other_facilitator="403"), body={"mode": "anonymise"}, url_name="api-personal-data-participant-erase"),
    Row("API: erase a session's personal data", "POST", "/api/personal-data/sessions/{sid}/erase/",
        api(other_facilitator="403"), body={"mode": "anonymise"}, url_name="api-personal-data-session-erase"),
    Row("API: schema", "GET", "/api/schema/", api(), url_name="api-schema"),
    Row("API: interactive docs (Swagger UI)", "GET", "/api/docs/", staff_page(hr="yes"), url_name="api-docs"),
    Row("API: reference docs (Redoc)", "GET", "/api/redoc/", staff_page(hr="yes"), url_name="api-redoc"),
    Row("API token: create, rotate, revoke one's own", "GET", "/reports/api-token/", staff_page(hr="yes"),
        note="each user sees and changes only their own token", url_name="api-token"),
    Row("printable participation of one person", "GET", "/reports/people/{pid}/",
        reports_page(other_facilitator="403"), url_name="report-person"),
    Row("erase a person's personal data (their page's form)", "POST", "/reports/people/{pid}/erase/",
        reports_page(other_facilitator="403"), form={"mode": "anonymise"}, url_name="report-person-erase"),
    Row("printable summary of one session", "GET", "/reports/sessions/{sid}/", reports_page(other_facilitator="403"),
        url_name="report-session"),
    Row("Django admin", "GET", "/admin/", _cells("login", admin="yes"), note="staff only; the demo accounts are not staff"),
)

SOCKET_ROWS: tuple[Row, ...] = (
    Row("team socket: connect", "WS", "/ws/play/{code}/", team_socket()),
    Row("team socket: `package.edit` of the role's own lever", "WS", "/ws/play/{code}/", team_socket(),
        body={"type": "package.edit", "lever": "production_target", "value": None}),
    Row("team socket: `package.edit` of another role's lever", "WS", "/ws/play/{code}/", team_socket(member="403"),
        body={"type": "package.edit", "lever": "overtime_share", "value": 0.05}),
    Row("team socket: `package.approve`", "WS", "/ws/play/{code}/", team_socket(), body={"type": "package.approve"}),
    Row("team socket: `package.reopen` (director)", "WS", "/ws/play/{code}/", team_socket(),
        body={"type": "package.reopen"}, note="anyone else in the team gets `not_your_decision`"),
    Row("team socket: `package.commit` (director)", "WS", "/ws/play/{code}/", team_socket(),
        body={"type": "package.commit", "forecast": {"good_units": 9000, "cash": 1_000_000, "extra": None},
              "rationale": "Steady plan."}, note="anyone else in the team gets `not_your_decision`"),
    Row("team socket: `package.note` of a role held", "WS", "/ws/play/{code}/", team_socket(),
        body={"type": "package.note", "role": "director", "text": "Output first."}),
    Row("team socket: `package.note` of another role", "WS", "/ws/play/{code}/", team_socket(member="403"),
        body={"type": "package.note", "role": "hr", "text": "Not mine."}),
    Row("team socket: `package.preview`", "WS", "/ws/play/{code}/", team_socket(), body={"type": "package.preview"}),
    Row("team socket: `chat.send`", "WS", "/ws/play/{code}/", team_socket(), body={"type": "chat.send", "text": "hi"}),
    Row("team socket: `resync`", "WS", "/ws/play/{code}/", team_socket(), body={"type": "resync"}),
    Row("console socket: connect, `resync`, `ping`", "WS", "/ws/console/{sid}/",
        _cells("401", owner="yes", admin="yes", other_facilitator="403", hr="403")),
)

ROWS = HTTP_ROWS + SOCKET_ROWS


def markdown() -> str:
    """The matrix as docs/security.md shows it."""
    head = "| endpoint or message | " + " | ".join(ACTOR_TITLES[a] for a in ACTORS) + " |"
    lines = [head, "| " + " | ".join(["---"] * (len(ACTORS) + 1)) + " |"]
    for row in ROWS:
        where = f"`{row.method} {row.path}`" if row.method != "WS" else f"`{row.path}`"
        label = f"{row.label} {where}" + (f" ({row.note})" if row.note else "")
        lines.append(f"| {label} | " + " | ".join(row.cells[a] for a in ACTORS) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown())
