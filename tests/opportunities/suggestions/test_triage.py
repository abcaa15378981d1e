"""Staff triage suggestions in the admin: accept (into new or matched work) or dismiss."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from opportunities.models import Opportunity, Suggestion
from opportunities.suggestions.triage import suggestion_accept, suggestion_dismiss
from partners.models import InvestmentArea
from tests.opportunities.factories import OpportunityFactory, SuggestionFactory, TeamFactory
from tests.partners.factories import CountryFactory
from tests.statements.factories import StatementFactory

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:opportunities_suggestion_changelist"


@pytest.fixture
def suggestion():
    india, japan = CountryFactory(code="IN"), CountryFactory(code="JP")
    area = InvestmentArea.objects.create(name="Co-innovation", slug="co-innovation")
    suggestion = SuggestionFactory(
        key="IN-JP", title="India-Japan: co-innovation", statement=StatementFactory()
    )
    suggestion.countries.add(india, japan)
    suggestion.areas.add(area)
    return suggestion


def test_accepting_creates_an_opportunity_for_the_partner_in_the_users_team(
    suggestion, desk_staff, team
):
    opportunity = suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff)

    assert opportunity.team == team and opportunity.owner == desk_staff
    assert [c.code for c in opportunity.countries.all()] == ["JP"]
    assert list(opportunity.statements.all()) == [suggestion.statement]
    suggestion.refresh_from_db()
    assert suggestion.status == Suggestion.Status.ACCEPTED
    assert suggestion.opportunity == opportunity and suggestion.decided_by == desk_staff


def test_accepting_a_matched_suggestion_adds_to_that_opportunity(suggestion, desk_staff, team):
    matched = OpportunityFactory(team=team, countries=[CountryFactory(code="JP")])
    Suggestion.objects.filter(pk=suggestion.pk).update(opportunity=matched)

    opportunity = suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff)

    assert opportunity == matched
    assert Opportunity.objects.count() == 1
    assert suggestion.statement in matched.statements.all()


def test_a_match_in_another_team_is_not_touched(suggestion, desk_staff, team, other_team):
    foreign = OpportunityFactory(team=other_team)
    Suggestion.objects.filter(pk=suggestion.pk).update(opportunity=foreign)

    opportunity = suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff)

    assert opportunity != foreign and opportunity.team == team
    assert not foreign.statements.exists()


def test_a_user_in_several_teams_must_choose_one_of_theirs(suggestion, desk_staff, other_team):
    TeamFactory(name="Second desk", members=[desk_staff])
    TeamFactory(name="Third desk", members=[desk_staff])

    with pytest.raises(ValidationError, match="Choose the team"):
        suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff)
    with pytest.raises(ValidationError, match="not a member"):
        suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff, team=other_team)
    assert not Opportunity.objects.exists()


def test_a_decided_suggestion_cannot_be_decided_again(suggestion, desk_staff, team):
    suggestion_dismiss(suggestion_id=suggestion.pk, by=desk_staff)

    with pytest.raises(ValidationError, match="already dismissed"):
        suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff)
    assert not Opportunity.objects.exists()


def test_admin_actions_accept_and_dismiss(suggestion, desk_staff, team, client):
    other = SuggestionFactory(title="Noise")
    client.force_login(desk_staff)

    client.post(reverse(CHANGELIST), {"action": "accept", "_selected_action": [suggestion.pk]})
    client.post(reverse(CHANGELIST), {"action": "dismiss", "_selected_action": [other.pk]})

    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.ACCEPTED
    assert Suggestion.objects.get(pk=other.pk).status == Suggestion.Status.DISMISSED
    assert Opportunity.objects.get().title == "India-Japan: co-innovation"


def test_analysts_cannot_triage(suggestion, analyst, team, client):
    client.force_login(analyst)

    client.post(reverse(CHANGELIST), {"action": "accept", "_selected_action": [suggestion.pk]})

    assert Suggestion.objects.get(pk=suggestion.pk).status == Suggestion.Status.OPEN
