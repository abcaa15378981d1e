from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.opportunities.factories import OpportunityFactory
from tests.tracker.factories import UserFactory
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db

LISTS = [
    "/api/countries/",
    "/api/areas/",
    "/api/firms/",
    "/api/contacts/",
    "/api/policy-openings/",
    "/api/sources/",
    "/api/statements/",
    "/api/mentions/",
    "/api/import-runs/",
    "/api/teams/",
    "/api/opportunities/",
    "/api/follow-ups/",
    "/api/notes/",
    "/api/suggestions/",
]


@pytest.mark.parametrize("url", LISTS)
def test_anonymous_is_refused_everywhere(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    read_only = url in ("/api/mentions/", "/api/import-runs/", "/api/teams/", "/api/suggestions/")
    assert APIClient().post(url, {}, format="json").status_code == (405 if read_only else 401)


@pytest.mark.parametrize("url", LISTS)
def test_staff_with_view_permission_reads_every_list(desk_api, url):
    response = desk_api.get(url)
    assert response.status_code == 200, response.content
    assert {"count", "results", "next", "previous"} <= set(response.json())


def test_a_user_who_is_not_staff_is_refused(token_for, roles):
    user = UserFactory(username="not-staff", is_staff=False, is_superuser=True)
    assert token_for(user).get("/api/countries/").status_code == 403


def test_read_only_token_reads_but_never_writes(token_for, desk_staff, team, opportunity):
    api = token_for(desk_staff, read_only=True)
    assert api.get(f"/api/opportunities/{opportunity.pk}/").status_code == 200
    response = api.patch(f"/api/opportunities/{opportunity.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403
    assert response.json()["detail"] == "This token is read-only."
    assert api.post("/api/notes/", {"opportunity": opportunity.pk, "body": "x"}).status_code == 403
    assert api.delete(f"/api/opportunities/{opportunity.pk}/").status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.title != "x"


def test_analyst_reads_but_may_not_write(token_for, analyst, team, opportunity):
    api = token_for(analyst)
    assert api.get("/api/opportunities/").json()["count"] == 1
    response = api.patch(f"/api/opportunities/{opportunity.pk}/", {"title": "x"}, format="json")
    assert response.status_code == 403


def test_revoked_and_unknown_tokens_are_refused(desk_staff, team):
    token, key = ApiToken.issue(user=desk_staff, name="sheet")
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/countries/").status_code == 200
    token.revoke()
    assert api.get("/api/countries/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token not-a-key")
    assert api.get("/api/countries/").status_code == 401
    api.credentials(HTTP_AUTHORIZATION="Token a b")
    assert api.get("/api/countries/").status_code == 401


def test_inactive_user_token_is_refused(desk_staff, team):
    _, key = ApiToken.issue(user=desk_staff, name="sheet")
    desk_staff.is_active = False
    desk_staff.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/countries/").status_code == 401


def test_session_login_works_for_staff(client, desk_staff, team):
    client.force_login(desk_staff)
    assert client.get("/api/opportunities/").status_code == 200


def test_read_only_key_in_the_url_pulls_a_filtered_csv(desk_staff, team, opportunity):
    OpportunityFactory(team=team, stage="won", close_reason="Signed")
    _, key = ApiToken.issue(user=desk_staff, name="Power Query", read_only=True)
    response = APIClient().get(f"/api/opportunities/?format=csv&stage=identified&key={key}")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert len(lines) == 2
    assert opportunity.title in lines[1]


def test_url_key_is_refused_for_writes_and_for_write_tokens(desk_staff, team, opportunity):
    _, read_key = ApiToken.issue(user=desk_staff, name="pull", read_only=True)
    _, write_key = ApiToken.issue(user=desk_staff, name="sync", read_only=False)
    anonymous = APIClient()
    assert anonymous.get(f"/api/opportunities/?key={write_key}").status_code == 401
    response = anonymous.patch(
        f"/api/opportunities/{opportunity.pk}/?key={read_key}", {"title": "x"}, format="json"
    )
    assert response.status_code == 401


def test_revoked_url_key_stops_working(desk_staff, team):
    token, key = ApiToken.issue(user=desk_staff, name="pull", read_only=True)
    assert APIClient().get(f"/api/countries/?key={key}").status_code == 200
    token.revoke()
    assert APIClient().get(f"/api/countries/?key={key}").status_code == 401


def test_only_the_digest_of_a_key_is_stored(desk_staff):
    token, key = ApiToken.issue(user=desk_staff, name="x")
    assert key not in {token.digest, token.prefix}
    assert key.startswith(token.prefix)


def test_tokens_are_issued_and_revoked_in_the_admin(client, superuser, desk_staff):
    client.force_login(superuser)
    response = client.post(
        "/admin/tracker/apitoken/add/",
        {"user": desk_staff.pk, "name": "Power Query", "read_only": "on"},
        follow=True,
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    key = shown[0].split(" is ", 1)[1].split(" ", 1)[0]
    assert key.startswith(token.prefix) and token.read_only
    assert APIClient().get(f"/api/countries/?key={key}").status_code == 200
    client.post(
        "/admin/tracker/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert APIClient().get(f"/api/countries/?key={key}").status_code == 401
