"""Linked restricted statements: an opportunity's `statements` ids leave out the restricted
ones for a reader not cleared for them, a write of that list keeps the links the writer cannot
see, and a paste of a restricted statement's text does not hand the statement back."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from statements.sensitivity import Sensitivity

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(restricted):
    restricted.open_opportunity.statements.set([restricted.statement, restricted.open_statement])
    return restricted


def path_of(opportunity) -> str:
    return f"/api/opportunities/{opportunity.pk}/"


def test_a_desk_user_sees_only_the_statement_ids_they_may_read(linked, desk_api, lead_api):
    opportunity = linked.open_opportunity
    shown = desk_api.get(path_of(opportunity)).json()
    assert shown["statements"] == [linked.open_statement.pk]
    listed = desk_api.get("/api/opportunities/").json()["results"]
    assert [row["statements"] for row in listed] == [[linked.open_statement.pk]]
    lead = lead_api.get(path_of(opportunity)).json()["statements"]
    assert sorted(lead) == sorted([linked.statement.pk, linked.open_statement.pk])


def test_a_desk_user_writing_the_list_keeps_the_restricted_link(linked, desk_api) -> None:
    opportunity = linked.open_opportunity
    answer = desk_api.patch(path_of(opportunity), {"statements": []}, format="json")
    assert answer.status_code == 200
    assert answer.json()["statements"] == []
    # The link they could not see is still there; the one they could is gone.
    assert list(opportunity.statements.values_list("pk", flat=True)) == [linked.statement.pk]


def test_a_lead_writing_the_list_replaces_every_link(linked, lead_api) -> None:
    opportunity = linked.open_opportunity
    body = {"statements": [linked.open_statement.pk]}
    assert lead_api.patch(path_of(opportunity), body, format="json").status_code == 200
    assert list(opportunity.statements.values_list("pk", flat=True)) == [linked.open_statement.pk]


def test_the_statements_api_takes_no_label_from_anyone(restricted, desk_api, lead_api) -> None:
    """Statements are written by import and paste only: no client sets or clears a label."""
    for api, statement in ((desk_api, restricted.open_statement), (lead_api, restricted.statement)):
        for method in (api.patch, api.put):
            answer = method(f"/api/statements/{statement.pk}/", {"sensitivity": "public"})
            assert answer.status_code == 405
    pasted = desk_api.post(
        "/api/statements/", {"text": "A brand new text.", "sensitivity": "restricted"}
    )
    assert pasted.status_code == 201 and pasted.json()["sensitivity"] == Sensitivity.INTERNAL
    restricted.statement.refresh_from_db()
    assert restricted.statement.sensitivity == Sensitivity.RESTRICTED


def test_pasting_a_restricted_statements_text_does_not_show_it(restricted, desk_api, lead_api):
    from statements.manual import statement_paste

    secret, _ = statement_paste(body=b"The secret briefing text, in full.")
    secret.sensitivity = Sensitivity.RESTRICTED
    secret.save()
    body = {"text": "The secret briefing text, in full."}
    refused = desk_api.post("/api/statements/", body)
    assert refused.status_code == 400
    assert str(secret.pk) not in refused.content.decode() and secret.title not in refused.json()
    again = lead_api.post("/api/statements/", body)
    assert again.status_code == 200 and again.json()["id"] == secret.pk


def test_a_key_pull_never_carries_a_restricted_statement_id_even_a_leads(linked, team_lead):
    from tracker.models import ApiToken

    _, key = ApiToken.issue(user=team_lead, name="Power Query", read_only=True)
    client = APIClient()
    rows = client.get(f"/api/opportunities/?key={key}").json()["results"]
    assert [row["statements"] for row in rows] == [[linked.open_statement.pk]]
    detail = client.get(f"/api/opportunities/{linked.open_opportunity.pk}/?key={key}").json()
    assert detail["statements"] == [linked.open_statement.pk]
