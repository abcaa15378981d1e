"""The opportunity page's linked statements: a restricted one is neither shown (its title in
the autocomplete) nor dropped when someone not cleared for it saves the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.html_forms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(restricted):
    restricted.open_opportunity.statements.set([restricted.statement, restricted.open_statement])
    return restricted


def change_url(linked) -> str:
    return reverse("admin:opportunities_opportunity_change", args=[linked.open_opportunity.pk])


def test_the_page_shows_a_restricted_linked_statement_to_the_lead_only(
    linked, session_for, desk_staff, team_lead
) -> None:
    desk = session_for(desk_staff).get(change_url(linked))
    assert desk.status_code == 200
    assert b"Open briefing" in desk.content and b"Restricted briefing" not in desk.content
    assert b"Restricted briefing" in session_for(team_lead).get(change_url(linked)).content


def test_saving_the_page_keeps_the_restricted_link_it_did_not_show(
    linked, session_for, desk_staff
) -> None:
    client = session_for(desk_staff)
    data = form_data(client.get(change_url(linked)), id="opportunity_form")
    assert data.get("statements")
    assert client.post(change_url(linked), data).status_code == 302
    linked_ids = set(linked.open_opportunity.statements.values_list("pk", flat=True))
    assert linked_ids == {linked.statement.pk, linked.open_statement.pk}
