"""The admin scopes suggestions as the API does: one matched to another team's opportunity is
not listed, its page is a 404 and the triage actions cannot reach it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opportunities.models import Suggestion
from tests.opportunities.factories import SuggestionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:opportunities_suggestion_changelist"


@pytest.fixture
def matched(team_opportunity) -> Suggestion:
    return SuggestionFactory(title="Matched elsewhere", opportunity=team_opportunity)


@pytest.fixture
def unmatched(team) -> Suggestion:
    return SuggestionFactory(title="Free to triage")


def test_another_teams_match_is_not_listed_but_an_unmatched_one_is(
    session_for, outsider, matched, unmatched
):
    page = session_for(outsider).get(reverse(CHANGELIST))
    assert page.status_code == 200
    assert {row.pk for row in page.context["cl"].result_list} == {unmatched.pk}
    assert matched.opportunity.title not in page.content.decode()


def test_another_teams_match_is_a_404(session_for, outsider, matched):
    url = reverse("admin:opportunities_suggestion_change", args=[matched.pk])
    response = session_for(outsider).get(url)
    assert response.status_code == 404
    assert matched.opportunity.title not in response.content.decode()


def test_another_teams_match_cannot_be_accepted(session_for, outsider, matched):
    team = matched.opportunity.team
    session_for(outsider).post(
        reverse(CHANGELIST), {"action": "accept", "_selected_action": [matched.pk]}
    )
    matched.refresh_from_db()
    assert matched.status == Suggestion.Status.OPEN
    assert matched.opportunity.team == team


def test_the_team_sees_and_accepts_its_own_match(session_for, desk_staff, matched):
    client = session_for(desk_staff)
    assert (
        client.get(reverse("admin:opportunities_suggestion_change", args=[matched.pk])).status_code
        == 200
    )
    client.post(reverse(CHANGELIST), {"action": "accept", "_selected_action": [matched.pk]})
    matched.refresh_from_db()
    assert matched.status == Suggestion.Status.ACCEPTED
