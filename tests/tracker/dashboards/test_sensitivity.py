"""The dashboards: a restricted record counts and shows only for the cleared."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.partners.factories import CountryFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pages(restricted, session_for, desk_staff, team_lead):
    japan = CountryFactory(code="JP")
    restricted.statement.countries.add(japan)
    restricted.open_statement.countries.add(japan)
    return session_for(desk_staff), session_for(team_lead)


def test_the_overview_counts_and_lists_restricted_work_only_for_a_lead(pages) -> None:
    desk, lead = pages
    desk_page = desk.get(reverse("dashboards:overview"))
    assert desk_page.status_code == 200
    content = desk_page.content.decode()
    assert "Open briefing" in content and "Restricted briefing" not in content
    assert "Secret radar" not in content
    lead_content = lead.get(reverse("dashboards:overview")).content.decode()
    assert "Restricted briefing" in lead_content


def test_the_lists_leave_restricted_work_out_for_desk_staff(pages) -> None:
    desk, lead = pages
    opportunities = desk.get(reverse("dashboards:opportunities")).content.decode()
    assert "Open sonar" in opportunities and "Secret radar" not in opportunities
    assert "Secret radar" in lead.get(reverse("dashboards:opportunities")).content.decode()
    follow_ups = desk.get(reverse("dashboards:follow_ups")).content.decode()
    assert "Open call" in follow_ups
    assert "Restricted call" not in follow_ups and "Call on the secret" not in follow_ups
    lead_follow_ups = lead.get(reverse("dashboards:follow_ups")).content.decode()
    assert "Restricted call" in lead_follow_ups and "Call on the secret" in lead_follow_ups


def test_a_restricted_statement_page_is_a_404_and_left_off_country_pages(pages, restricted) -> None:
    desk, lead = pages
    page = reverse("dashboards:statement", args=[restricted.statement.pk])
    assert desk.get(page).status_code == 404
    assert lead.get(page).status_code == 200
    country = desk.get(reverse("dashboards:country", args=["JP"])).content.decode()
    assert "Open briefing" in country and "Restricted briefing" not in country
    assert (
        "Restricted briefing"
        in lead.get(reverse("dashboards:country", args=["JP"])).content.decode()
    )
