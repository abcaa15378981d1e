"""The admin's duplicates, merge and merges pages: a team lead finds a pair, merges it with a
field taken from the loser, and undoes it; an outsider cannot reach another team's work."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opportunities.models import Opportunity
from partners.merge_log import MergeLog
from partners.models import Firm
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory, FirmFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def merge_firms():
    japan = CountryFactory(code="JP")
    survivor = FirmFactory(name="Kawasaki Heavy Industries", country=japan)
    loser = FirmFactory(
        name="KAWASAKI HEAVY INDUSTRIES, LTD.", country=japan, website="https://khi.example"
    )
    return survivor, loser


def test_duplicates_page_lists_the_pair_with_its_score(session_for, team_lead, merge_firms) -> None:
    survivor, loser = merge_firms
    page = session_for(team_lead).get(reverse("admin:partners_firm_duplicates"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "KAWASAKI HEAVY INDUSTRIES, LTD. (JP)" in text and "<td>100</td>" in text
    assert f"survivor={min(survivor.pk, loser.pk)}" in text


def test_the_changelist_links_to_duplicates_and_merges(session_for, team_lead, merge_firms) -> None:
    page = session_for(team_lead).get(reverse("admin:partners_firm_changelist"))
    assert reverse("admin:partners_firm_duplicates") in page.content.decode()
    assert reverse("admin:partners_firm_merges") in page.content.decode()


def test_merge_and_undo_through_the_admin(session_for, team_lead, merge_firms) -> None:
    survivor, loser = merge_firms
    client = session_for(team_lead)
    url = reverse("admin:partners_firm_merge")
    form = client.get(url, {"survivor": survivor.pk, "loser": loser.pk})
    assert form.status_code == 200
    # The survivor has no website: the loser's is chosen unless staff say otherwise.
    assert 'name="keep_website" value="loser" checked' in form.content.decode()
    assert 'name="keep_name" value="survivor" checked' in form.content.decode()

    done = client.post(
        url, {"survivor": survivor.pk, "loser": loser.pk, "keep_website": "loser"}, follow=True
    )

    assert done.status_code == 200 and "Merged" in done.content.decode()
    survivor.refresh_from_db()
    assert survivor.website == "https://khi.example"
    assert "KAWASAKI HEAVY INDUSTRIES, LTD." in survivor.aliases
    log = MergeLog.objects.get()
    merges = client.get(reverse("admin:partners_firm_merges"))
    assert "KAWASAKI HEAVY INDUSTRIES, LTD. (JP)" in merges.content.decode()

    client.post(reverse("admin:partners_firm_merges"), {"log": log.pk})

    assert Firm.objects.filter(pk=loser.pk).exists()
    survivor.refresh_from_db()
    assert survivor.website == "" and survivor.aliases == []


def test_the_action_needs_exactly_two(session_for, team_lead, merge_firms) -> None:
    survivor, loser = merge_firms
    client = session_for(team_lead)
    changelist = reverse("admin:partners_firm_changelist")
    two = client.post(
        changelist, {"action": "merge_selected", "_selected_action": [survivor.pk, loser.pk]}
    )
    assert two.status_code == 302 and "merge/?survivor=" in two["Location"]
    one = client.post(
        changelist, {"action": "merge_selected", "_selected_action": [survivor.pk]}, follow=True
    )
    assert "Select exactly two" in one.content.decode()


def test_desk_staff_may_not_merge_firms(session_for, desk_staff, merge_firms) -> None:
    survivor, loser = merge_firms
    url = reverse("admin:partners_firm_merge")
    page = session_for(desk_staff).post(url, {"survivor": survivor.pk, "loser": loser.pk})
    assert page.status_code == 403
    assert Firm.objects.count() == 2


def test_another_teams_opportunity_is_not_found(session_for, team_lead, team, other_team):
    ours = OpportunityFactory(team=team)
    theirs = OpportunityFactory(team=other_team)
    url = reverse("admin:opportunities_opportunity_merge")
    page = session_for(team_lead).post(url, {"survivor": ours.pk, "loser": theirs.pk})
    assert page.status_code == 404
    assert Opportunity.objects.count() == 2


def test_a_lead_merges_two_of_the_teams_opportunities(session_for, team_lead, team) -> None:
    ours, twin = OpportunityFactory(team=team), OpportunityFactory(team=team, value=7)
    client = session_for(team_lead)
    url = reverse("admin:opportunities_opportunity_merge")
    client.post(url, {"survivor": ours.pk, "loser": twin.pk, "keep_value": "loser"})
    ours.refresh_from_db()
    assert ours.value == 7 and not Opportunity.objects.filter(pk=twin.pk).exists()
    page = client.get(reverse("admin:opportunities_opportunity_merges"))
    assert twin.title in page.content.decode()


def test_the_duplicates_page_costs_the_same_for_more_firms(
    session_for, team_lead, django_assert_max_num_queries
) -> None:
    client = session_for(team_lead)
    url = reverse("admin:partners_firm_duplicates")
    japan = CountryFactory(code="JP")
    counts = []
    for size in (5, 50):
        for n in range(size):
            FirmFactory(name=f"Twin {size} {n} Ltd", country=japan)
            FirmFactory(name=f"TWIN {size} {n} K.K.", country=japan)
        # Session, user and permissions, the firms' pairs (one query), the pairs' records with
        # their countries (one query).
        with django_assert_max_num_queries(8) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]
