"""The schema and the interactive API docs: behind a login or a token, assets served from this server."""
import re

import pytest
from django.contrib.staticfiles import finders
from rest_framework.authtoken.models import Token

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_send_a_browser_without_login_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response["Location"] == f"/console/login/?next={path}"
    bad_token = client.get(path, HTTP_AUTHORIZATION="Token nope")
    assert bad_token.status_code == 401


@pytest.mark.parametrize("path, asset", [
    ("/api/docs/", "drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"),
    ("/api/redoc/", "drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"),
])
def test_docs_load_their_assets_from_this_server(client, path, asset):
    client.force_login(factories.make_hr_only())
    page = client.get(path)
    html = page.content.decode()
    assert page.status_code == 200 and f"/static/{asset}" in html
    assert not re.search(r"""(src|href)=["']?https?://""", html), "the docs page loads something from another host"
    assert finders.find(asset), f"{asset} is not in the static files"
    assert "/api/schema/" in html


def test_docs_accept_a_token_too(client):
    key = Token.objects.create(user=factories.make_hr_only()).key
    assert client.get("/api/docs/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_schema_needs_auth_and_documents_both_schemes(client):
    assert client.get("/api/schema/").status_code == 401
    client.force_login(factories.make_facilitator())
    schema = client.get("/api/schema/", {"format": "json"}).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["tokenAuth"] == {"type": "apiKey", "in": "header", "name": "Authorization",
                                    "description": schemes["tokenAuth"]["description"]}
    assert "Token" in schemes["tokenAuth"]["description"] and schemes["cookieAuth"]["in"] == "cookie"
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert operations and all({"tokenAuth": []} in op["security"] for op in operations)
    assert all({"400", "401", "403", "404"} <= set(op["responses"]) for op in operations)
    for path in ("/api/sessions/", "/api/sessions/{session_id}/", "/api/ledger/"):
        assert path in schema["paths"], path


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_docs_pages_may_load_only_from_this_server(client, path):
    client.force_login(factories.make_hr_only())
    policy = client.get(path)["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "img-src 'self' data:;" in policy and "connect-src 'self'" in policy
