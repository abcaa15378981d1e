"""A search lists the newest RANKED matches (statements/search.py), ranks only those, and says
when more matched (`count_capped`), on every database; the cap is lowered to 3 here."""

from __future__ import annotations

import datetime

import pytest
import yaml
from django.core.management import call_command

from statements.models import Statement
from tests.statements.factories import StatementFactory

pytestmark = pytest.mark.django_db

CAP = 3


@pytest.fixture(autouse=True)
def small_cap(monkeypatch) -> None:
    monkeypatch.setattr("statements.search.RANKED", CAP)


@pytest.fixture
def frigates() -> list[Statement]:
    """Six statements on frigates, equal for ranking (same words), from newest to undated."""
    days = [datetime.date(2026, 3, day) for day in (9, 7, 5, 3, 1)]
    dated = [
        StatementFactory(title=f"Frigate talks {day:%d}", text="Frigate talks.", published_on=day)
        for day in days
    ]
    undated = StatementFactory(title="Frigate talks, undated", text="Frigate talks.")
    Statement.objects.filter(pk=undated.pk).update(published_on=None)
    StatementFactory(title="Submarine talks", text="Submarine talks.")  # no match
    return [*dated, undated]


def listed(api, **params) -> dict:
    response = api.get("/api/statements/", params)
    assert response.status_code == 200, response.content
    return response.json()


def titles(page: dict) -> list[str]:
    return [row["title"] for row in page["results"]]


def test_a_search_lists_the_newest_matches_first_when_they_rank_alike(desk_api, frigates) -> None:
    page = listed(desk_api, search="frigate")

    assert titles(page) == [statement.title for statement in frigates[:CAP]]


def test_more_matches_than_the_cap_are_counted_as_the_cap_and_flagged(desk_api, frigates) -> None:
    page = listed(desk_api, search="frigate")

    assert page["count"] == CAP
    assert page["count_capped"] is True
    assert page["next"] is None  # the whole capped list on one page


def test_under_the_cap_the_count_is_exact_and_not_flagged(desk_api, frigates) -> None:
    page = listed(desk_api, search="frigate", published_before="2026-03-04")

    assert titles(page) == ["Frigate talks 03", "Frigate talks 01"]
    assert (page["count"], page["count_capped"]) == (2, False)
    assert listed(desk_api)["count_capped"] is False  # no search: never capped


def test_undated_statements_come_after_every_dated_one(monkeypatch, desk_api, frigates) -> None:
    monkeypatch.setattr("statements.search.RANKED", 10)

    assert titles(listed(desk_api, search="frigate"))[-1] == "Frigate talks, undated"


def test_the_cap_is_taken_after_the_other_filters(desk_api, frigates) -> None:
    # Filtered first, then capped: the three newest before 6 March, not those of the three
    # newest overall (only one of which is before 6 March).
    page = listed(desk_api, published_before="2026-03-06", search="frigate")

    assert titles(page) == ["Frigate talks 05", "Frigate talks 03", "Frigate talks 01"]
    assert page["count_capped"] is False


def test_an_ordering_orders_the_capped_matches(desk_api, frigates) -> None:
    page = listed(desk_api, search="frigate", ordering="published_on")

    assert titles(page) == ["Frigate talks 05", "Frigate talks 07", "Frigate talks 09"]


def test_a_capped_search_costs_the_same_queries_as_a_plain_list(
    desk_api, frigates, django_assert_num_queries
) -> None:
    # The token and its user (1), its last use stamped (1), permissions (1), the count of at
    # most CAP + 1 matches (1), the page with its names, ranks and snippets (1).
    with django_assert_num_queries(5):
        page = listed(desk_api, search="frigate")
    assert page["count_capped"] is True


def test_the_dashboard_says_when_there_were_more(desk_staff, session_for, frigates) -> None:
    page = session_for(desk_staff).get("/dashboards/statements/", {"q": "frigate"})

    html = page.content.decode()
    assert "More than 3 statements found: the newest 3" in html
    assert html.count('class="snippet"') == CAP


def test_the_admin_search_lists_the_capped_matches(superuser, session_for, frigates) -> None:
    page = session_for(superuser).get("/admin/statements/statement/", {"q": "frigate"})

    html = page.content.decode()
    assert [title in html for title in ("Frigate talks 09", "Frigate talks 05")] == [True, True]
    assert "Frigate talks 03" not in html


def test_the_schema_documents_count_capped_on_the_statement_list(tmp_path) -> None:
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schemas = yaml.safe_load(out.read_text())["components"]["schemas"]

    statements = schemas["PaginatedStatementList"]
    assert statements["properties"]["count_capped"]["type"] == "boolean"
    assert "count_capped" in statements["required"]
    assert "count_capped" not in schemas["PaginatedOpportunityList"]["properties"]


def test_the_dashboard_search_leaves_restricted_statements_to_the_cleared(
    desk_staff, team_lead, session_for, frigates
) -> None:
    Statement.objects.filter(pk=frigates[0].pk).update(sensitivity="restricted")

    for_desk = session_for(desk_staff).get("/dashboards/statements/", {"q": "frigate"})
    for_lead = session_for(team_lead).get("/dashboards/statements/", {"q": "frigate"})

    assert frigates[0].title not in for_desk.content.decode()
    assert "Frigate talks 03" in for_desk.content.decode()  # the next newest fill the cap
    assert frigates[0].title in for_lead.content.decode()


def test_an_export_of_a_search_holds_the_capped_matches(desk_api, frigates) -> None:
    response = desk_api.get("/api/statements/", {"search": "frigate", "format": "csv"})

    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    assert [title in body for title in ("Frigate talks 09", "Frigate talks 05")] == [True, True]
    assert "Frigate talks 03" not in body
