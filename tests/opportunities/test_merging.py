"""Merging opportunities: follow-ups and notes move, team rules hold, undo restores."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from opportunities.merging import opportunity_merge, opportunity_merge_undo
from opportunities.models import FollowUp, Note, Opportunity
from partners.merge_log import MergeLog
from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    SuggestionFactory,
)
from tests.partners.factories import CountryFactory, FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merge_pair(team):
    japan, france = CountryFactory(code="JP"), CountryFactory(code="FR")
    survivor = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    loser = OpportunityFactory(
        title="Radar co-production with MHI", team=team, countries=[japan, france], value=5
    )
    loser.firms.add(FirmFactory(country=japan))
    links = {
        "follow_up": FollowUpFactory(opportunity=loser),
        "note": NoteFactory(opportunity=loser),
        "suggestion": SuggestionFactory(opportunity=loser),
    }
    return survivor, loser, links


def test_follow_ups_notes_and_links_move(merge_pair, desk_staff) -> None:
    survivor, loser, links = merge_pair
    version = links["follow_up"].version

    log = opportunity_merge(survivor=survivor, loser=loser, by=desk_staff, take=["value"])

    assert not Opportunity.objects.filter(pk=loser.pk).exists()
    follow_up = FollowUp.objects.get(pk=links["follow_up"].pk)
    assert follow_up.opportunity == survivor and follow_up.version == version + 1
    assert Note.objects.get(pk=links["note"].pk).opportunity == survivor
    links["suggestion"].refresh_from_db()
    assert links["suggestion"].opportunity == survivor
    survivor.refresh_from_db()
    assert set(survivor.countries.values_list("code", flat=True)) == {"JP", "FR"}
    assert survivor.firms.count() == 1
    assert survivor.value == 5 and survivor.title == "Radar co-production"
    assert survivor.version == 2
    assert (log.model, log.merged_by) == ("opportunities.opportunity", desk_staff)


def test_undo_restores_the_opportunity_and_its_links(merge_pair, desk_staff) -> None:
    survivor, loser, links = merge_pair
    log = opportunity_merge(survivor=survivor, loser=loser, by=desk_staff, take=["title"])

    opportunity_merge_undo(log=log, by=desk_staff)

    restored = Opportunity.objects.get(pk=loser.pk)
    assert restored.title == "Radar co-production with MHI"
    assert set(restored.countries.values_list("code", flat=True)) == {"JP", "FR"}
    assert restored.firms.count() == 1
    assert list(restored.follow_ups.all()) == [links["follow_up"]]
    assert list(restored.notes.all()) == [links["note"]]
    survivor.refresh_from_db()
    assert survivor.title == "Radar co-production"
    assert set(survivor.countries.values_list("code", flat=True)) == {"JP"}
    assert survivor.version == 3  # merged, then undone: versions only move on
    assert MergeLog.objects.get(pk=log.pk).undone_by == desk_staff


def test_a_desk_cannot_merge_into_another_teams_opportunity(merge_pair, other_team) -> None:
    survivor, loser, _ = merge_pair
    outsider = other_team.members.get()
    theirs = OpportunityFactory(team=other_team)
    with pytest.raises(PermissionDenied):
        opportunity_merge(survivor=survivor, loser=theirs, by=outsider)
    with pytest.raises(PermissionDenied):
        opportunity_merge(survivor=theirs, loser=loser, by=outsider)
    assert Opportunity.objects.filter(pk__in=[loser.pk, theirs.pk]).count() == 2
    assert not MergeLog.objects.exists()


def test_a_desk_cannot_undo_another_teams_merge(merge_pair, superuser, other_team) -> None:
    survivor, loser, _ = merge_pair
    log = opportunity_merge(survivor=survivor, loser=loser, by=superuser)
    with pytest.raises(PermissionDenied):
        opportunity_merge_undo(log=log, by=other_team.members.get())
    assert MergeLog.objects.get(pk=log.pk).undone_at is None


def test_a_lead_who_sees_every_team_merges_across_desks(merge_pair, superuser, other_team) -> None:
    survivor, _, _ = merge_pair
    theirs = OpportunityFactory(team=other_team)
    FollowUpFactory(opportunity=theirs)
    opportunity_merge(survivor=survivor, loser=theirs, by=superuser)
    assert survivor.follow_ups.count() == 1
