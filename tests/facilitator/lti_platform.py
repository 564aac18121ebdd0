"""A learning platform for the LTI tests, as small as the protocol allows: its RSA key, its key set served
over real HTTP on a free local port (the library fetches it), and id_tokens signed as a platform signs them.

The test drives the browser's part: POST the login initiation to the tool, read the state and nonce from
the tool's redirect to the platform's authentication URL, and post the signed id_token back with the state.
For a real browser the platform serves that part too: `/course` (a course page whose link starts the login)
and `/auth` (answers the tool's authentication request with a self-posting form carrying the id_token, as
platforms do), for the person set in `next_person`.
"""
import html
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def rsa_private_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode()


def public_jwk(private_pem: str, kid: str) -> dict:
    jwk = json.loads(JWK.from_pem(private_pem.encode()).export_public())
    return {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


class Platform:
    issuer = "https://lms.example.test"
    client_id = "decision-lab-client"
    deployment_id = "deployment-1"

    def __init__(self, tool_url: str = "http://testserver"):
        self.tool_url = tool_url
        self.next_person: dict = {}  # what the next browser launch claims (sub, roles, session_code, ...)
        self.kid = "platform-key-1"
        self.private_pem = rsa_private_pem()
        self.jwks = {"keys": [public_jwk(self.private_pem, self.kid)]}
        platform = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the standard library's name)
                where = urlparse(self.path)
                if where.path == "/course":
                    self._send("text/html", platform.course_page())
                elif where.path == "/framed":
                    self._send("text/html", platform.framed_page())
                elif where.path == "/auth":
                    self._send("text/html", platform.auth_answer({k: v[0] for k, v in parse_qs(where.query).items()}))
                else:
                    self._send("application/json", json.dumps(platform.jwks))

            def _send(self, kind: str, text: str):
                body = text.encode()
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.key_set_url = f"{self.url}/jwks"
        self.auth_login_url = f"{self.url}/auth"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def register(self, **overrides):
        """The admin's LtiPlatform row for this platform."""
        from facilitator.lti_models import LtiPlatform
        fields = {"name": "Example LMS", "issuer": self.issuer, "client_id": self.client_id,
                  "deployment_ids": f"other-deployment\n{self.deployment_id}\n", "auth_login_url": self.auth_login_url,
                  "auth_token_url": "https://lms.example.test/token", "key_set_url": self.key_set_url}
        return LtiPlatform.objects.create(**{**fields, **overrides})

    def login(self, client, **request) -> dict:
        """The platform's third-party login initiation; returns the tool's authentication request."""
        response = client.post("/lti/login/", {"iss": self.issuer, "login_hint": "hint-1", "client_id": self.client_id,
                                               "target_link_uri": "http://testserver/lti/launch/",
                                               "lti_deployment_id": self.deployment_id}, **request)
        assert response.status_code == 302, response.content[:500]
        where = urlparse(response["Location"])
        assert f"{where.scheme}://{where.netloc}{where.path}" == self.auth_login_url
        return {k: v[0] for k, v in parse_qs(where.query).items()}

    def claims(self, auth: dict, *, sub="learner-42", roles=(LEARNER,), session_code="", **extra) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": sub, "iat": now, "exp": now + 300,
            "nonce": auth["nonce"], "name": "Ada Lovelace", "given_name": "Ada", "family_name": "Lovelace",
            CLAIM + "message_type": "LtiResourceLinkRequest", CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id, CLAIM + "target_link_uri": auth["redirect_uri"],
            CLAIM + "resource_link": {"id": "link-" + uuid.uuid4().hex[:8], "title": "Decision Lab"},
            CLAIM + "roles": list(roles), CLAIM + "custom": {"session": session_code},
            CLAIM + "lis": {"person_sourcedid": "HR-" + sub},
        }
        claims.update(extra)
        return claims

    def course_page(self) -> str:
        """The course's link to the tool: a third-party login initiation, as a form the person submits."""
        fields = {"iss": self.issuer, "login_hint": "hint-1", "client_id": self.client_id,
                  "target_link_uri": f"{self.tool_url}/lti/launch/", "lti_deployment_id": self.deployment_id}
        inputs = "".join(f'<input type="hidden" name="{k}" value="{html.escape(v)}">' for k, v in fields.items())
        return (f'<!doctype html><title>Course</title><form method="post" action="{self.tool_url}/lti/login/">'
                f'{inputs}<button>Open the Decision Lab</button></form>')

    def framed_page(self) -> str:
        """A course page that shows the tool in a frame, starting the login there (GET, as platforms may)."""
        query = urlencode({"iss": self.issuer, "login_hint": "hint-1", "client_id": self.client_id,
                           "target_link_uri": f"{self.tool_url}/lti/launch/", "lti_deployment_id": self.deployment_id})
        return (f'<!doctype html><title>Course</title><iframe title="Decision Lab" width="800" height="600" '
                f'src="{self.tool_url}/lti/login/?{html.escape(query)}"></iframe>')

    def auth_answer(self, auth: dict) -> str:
        """The platform's answer to the tool's authentication request: the id_token, posted back by the page."""
        token = self.sign(self.claims(auth, **self.next_person))
        return (f'<!doctype html><title>Launching</title><form id="f" method="post" '
                f'action="{html.escape(auth["redirect_uri"])}"><input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{html.escape(auth["state"])}"></form>'
                '<script>document.getElementById("f").submit()</script>')

    def sign(self, claims: dict, *, private_pem: str | None = None, kid: str | None = None) -> str:
        return jwt.encode(claims, private_pem or self.private_pem, algorithm="RS256",
                          headers={"kid": kid or self.kid})

    def launch(self, client, auth: dict, id_token: str, **request):
        return client.post("/lti/launch/", {"id_token": id_token, "state": auth["state"]}, **request)
