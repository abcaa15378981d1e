"""The API and its exports: a restricted record is a 404 and absent from lists and files for
desk staff, there for a team lead, and never in a `?key=` pull, whoever's key."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from rest_framework.test import APIClient

from opportunities.models import Opportunity
from tests.opportunities.factories import OpportunityFactory, SuggestionFactory
from tracker.models import ApiToken

pytestmark = pytest.mark.django_db

DETAILS = [
    ("opportunities", "opportunity"),
    ("follow-ups", "follow_up"),
    ("follow-ups", "own_follow_up"),
    ("notes", "note"),
]


def csv_rows(response) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def key_client(user) -> tuple[APIClient, str]:
    _, key = ApiToken.issue(user=user, name="Power Query", read_only=True)
    return APIClient(), key


@pytest.mark.parametrize(("kind", "record"), DETAILS)
def test_a_restricted_detail_is_a_404_for_desk_staff_and_read_by_a_lead(
    kind, record, restricted, desk_api, lead_api
) -> None:
    pk = getattr(restricted, record).pk
    refused = desk_api.get(f"/api/{kind}/{pk}/")
    # The answer for a record that does not exist at all.
    assert refused.status_code == 404
    assert refused.json() == desk_api.get(f"/api/{kind}/999999/").json()
    # Writes too: a 404, never a 403 that would confirm the record exists.
    assert desk_api.patch(f"/api/{kind}/{pk}/", {}, format="json").status_code == 404
    shown = lead_api.get(f"/api/{kind}/{pk}/")
    assert shown.status_code == 200
    assert shown.json()["sensitivity"] in ("restricted", "internal")


def test_lists_leave_restricted_records_out_for_desk_staff(restricted, desk_api, lead_api) -> None:
    def titles(api, kind: str, field: str = "title") -> set[str]:
        return {row[field] for row in api.get(f"/api/{kind}/").json()["results"]}

    assert titles(desk_api, "opportunities") == {"Open sonar"}
    assert titles(desk_api, "follow-ups") == {"Open call"}
    assert titles(desk_api, "notes", "body") == {"Open note"}
    assert titles(lead_api, "opportunities") == {"Open sonar", "Secret radar"}
    assert titles(lead_api, "follow-ups") == {"Open call", "Restricted call", "Call on the secret"}
    assert titles(lead_api, "notes", "body") == {"Open note", "Restricted note"}


@pytest.mark.parametrize("kind", ["opportunities", "follow-ups", "notes"])
def test_csv_exports_leave_restricted_records_out_for_desk_staff(
    kind, restricted, desk_api, lead_api
) -> None:
    desk = csv_rows(desk_api.get(f"/api/{kind}/?format=csv"))
    lead = csv_rows(lead_api.get(f"/api/{kind}/?format=csv"))
    assert {row["sensitivity"] for row in desk} <= {"public", "internal"}
    assert "restricted" in {row["sensitivity"] for row in lead}
    assert len(lead) > len(desk)
    assert not any("Secret" in str(row) or "Restricted" in str(row) for row in desk)


def test_xlsx_export_leaves_restricted_records_out(restricted, desk_api) -> None:
    response = desk_api.get("/api/opportunities/?format=xlsx")
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    title = rows[0].index("title")
    assert [row[title] for row in rows[1:]] == ["Open sonar"]


def test_a_key_pull_never_carries_restricted_records_even_with_a_leads_key(
    restricted, team_lead
) -> None:
    client, key = key_client(team_lead)
    rows = csv_rows(client.get(f"/api/opportunities/?format=csv&key={key}"))
    assert [row["title"] for row in rows] == ["Open sonar"]
    listed = client.get(f"/api/follow-ups/?key={key}").json()["results"]
    assert [row["title"] for row in listed] == ["Open call"]
    detail = f"/api/opportunities/{restricted.opportunity.pk}/?key={key}"
    assert client.get(detail).status_code == 404
    # The same lead with the key in a header (not a URL) sees them.
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/opportunities/{restricted.opportunity.pk}/").status_code == 200


def test_a_suggestion_from_a_restricted_statement_or_of_a_restricted_opportunity_is_hidden(
    restricted, desk_api, lead_api
) -> None:
    from_secret = SuggestionFactory(statement=restricted.statement, title="From the secret")
    matched = SuggestionFactory(
        statement=restricted.open_statement, opportunity=restricted.opportunity, title="Matched"
    )
    shown = SuggestionFactory(statement=restricted.open_statement, title="Plain")
    titles = {row["title"] for row in desk_api.get("/api/suggestions/").json()["results"]}
    assert titles == {"Plain"}
    assert desk_api.get(f"/api/suggestions/{from_secret.pk}/").status_code == 404
    assert desk_api.post(f"/api/suggestions/{matched.pk}/accept/").status_code == 404
    lead_titles = {row["title"] for row in lead_api.get("/api/suggestions/").json()["results"]}
    assert lead_titles == {"From the secret", "Matched", "Plain"}
    assert shown.pk


def test_a_lead_labels_an_opportunity_restricted_a_desk_user_may_not(
    restricted, desk_api, lead_api
) -> None:
    path = f"/api/opportunities/{restricted.open_opportunity.pk}/"
    refused = desk_api.patch(path, {"sensitivity": "restricted"}, format="json")
    assert refused.status_code == 400
    assert "cleared" in refused.json()["sensitivity"][0]
    assert desk_api.patch(path, {"sensitivity": "bogus"}, format="json").status_code == 400
    assert desk_api.patch(path, {"sensitivity": "public"}, format="json").json()["sensitivity"] == (
        "public"
    )
    done = lead_api.patch(path, {"sensitivity": "restricted"}, format="json")
    assert done.status_code == 200 and done.json()["sensitivity"] == "restricted"
    assert desk_api.get(path).status_code == 404


def test_a_desk_user_may_not_create_a_restricted_note_or_follow_up(
    restricted, desk_api, lead_api
) -> None:
    opportunity = restricted.open_opportunity.pk
    note = {"opportunity": opportunity, "body": "x", "sensitivity": "restricted"}
    assert desk_api.post("/api/notes/", note, format="json").status_code == 400
    made = lead_api.post("/api/notes/", note, format="json")
    assert made.status_code == 201 and made.json()["sensitivity"] == "restricted"
    follow_up = {
        "opportunity": opportunity,
        "title": "t",
        "due_date": "2026-12-30",
        "sensitivity": "restricted",
    }
    assert desk_api.post("/api/follow-ups/", follow_up, format="json").status_code == 400
    # Nor write a note onto a restricted opportunity, which is not found for them.
    onto = {"opportunity": restricted.opportunity.pk, "body": "x"}
    assert desk_api.post("/api/notes/", onto, format="json").status_code == 400


def test_a_desk_user_may_not_link_a_restricted_statement(restricted, desk_api) -> None:
    path = f"/api/opportunities/{restricted.open_opportunity.pk}/"
    body = {"statements": [restricted.statement.pk]}
    refused = desk_api.patch(path, body, format="json")
    assert refused.status_code == 400 and "statements" in refused.json()


def test_restricted_rows_cost_no_extra_query_per_row(
    team, desk_api, django_assert_max_num_queries
) -> None:
    desk_api.get("/api/countries/")  # stamps the token's last use
    for n in range(20):
        OpportunityFactory(team=team, sensitivity="restricted" if n % 2 else "internal")
    # The token and user, the permissions, the count, the rows, the exchange rates of the
    # reporting value: as for any list.
    with django_assert_max_num_queries(5):
        listed = desk_api.get("/api/opportunities/?page_size=100").json()
    assert listed["count"] == 10 == Opportunity.objects.exclude(sensitivity="restricted").count()
