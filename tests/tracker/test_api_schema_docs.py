from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from tests.tracker.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert "openapi: 3.0.3" in text
    for described in (
        "updated_since",
        "follow_up_due_before",
        "overdue",
        "next_follow_up_before",
        "stale",
        "page_size",
        "text/csv",
        "'412'",
        "If-Match",
        "ETag",
        "tokenAuth",
        "queryKey",
        "/api/opportunities/bulk/",
    ):
        assert described in text, described


def test_schema_and_docs_are_served_without_a_cdn(session_for, desk_staff):
    client = session_for(desk_staff)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    # Swagger UI's start-up script is fetched from the page's own URL, never inline (CSP).
    assert "<script>" not in html
    script = client.get("/api/docs/", {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "swagger-ui" in html
    # Every script and stylesheet comes from this server (a random CSRF token once held "cdn",
    # so the check looks at addresses, not at words).
    addresses = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert addresses and all(address.startswith("/") for address in addresses), addresses
    assert "https://" not in html.split("<body")[0]
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


def test_schema_and_docs_need_a_login(client, desk_api, token_for, roles):
    for path in ("/api/schema/", "/api/schema/?format=json", "/api/schema/?format=yaml"):
        refused = client.get(path)
        assert refused.status_code == 401, path
        assert refused["Content-Type"] == "application/json", path
        assert "detail" in refused.json()
    # A browser is sent to the login page, and back.
    assert client.get("/api/docs/").url == "/admin/login/?next=/api/docs/"
    assert client.get("/api/docs/", {"script": ""}).url.startswith("/admin/login/")
    # A token does, as a session does (tested above); a non-staff user's token does not.
    assert desk_api.get("/api/schema/", {"format": "json"}).json()["openapi"].startswith("3.")
    outsider = token_for(UserFactory(username="not-staff", is_staff=False))
    assert outsider.get("/api/schema/").status_code == 403


@pytest.mark.parametrize(
    "url",
    [
        "/api/mentions/?statement=abc",
        "/api/mentions/?statement=99999999999999999999999999",
        "/api/follow-ups/?opportunity=%00",
        "/api/opportunities/?external_id=a%00",
        "/api/opportunities/?page_size=abc",
        "/api/opportunities/?page_size=10&page_size=20",
        "/api/opportunities/?updated_since=2026-01-01T00:00:00%2B23:00",
        "/api/sources/?is_active=yes",
        "/api/notes/?author=x",
    ],
)
def test_bad_query_strings_are_400(desk_api, url):
    response = desk_api.get(url)
    assert response.status_code == 400, (url, response.status_code, response.content)


def test_unknown_api_path_is_a_json_404(desk_api):
    response = desk_api.get("/api/firms/1.5/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}
