"""The opportunities' *Possible duplicates* page: linked from the list, each pair with its
score and a link to the merge page, only the user's teams' work, restricted pairs for the
cleared only, titles escaped, and a query count that does not grow with the pairs."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

URL = "admin:opportunities_opportunity_duplicates"


def test_the_changelist_links_to_the_duplicates_page(session_for, team_lead, team) -> None:
    page = session_for(team_lead).get(reverse("admin:opportunities_opportunity_changelist"))
    assert page.status_code == 200
    assert f'href="{reverse(URL)}"' in page.content.decode()


def test_a_pair_is_listed_with_its_score_and_a_merge_link(
    session_for, team_lead, team, japan
) -> None:
    a = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    b = OpportunityFactory(title="RADAR co-production!", team=team, countries=[japan])
    page = session_for(team_lead).get(reverse(URL))
    assert page.status_code == 200
    text = page.content.decode()
    assert "<td>100</td><td>similar titles, same countries</td>" in text
    merge = reverse("admin:opportunities_opportunity_merge")
    assert f"{merge}?survivor={a.pk}&amp;loser={b.pk}" in text
    assert "Japan desk · Identified · JP" in text
    # The merge screen it links to opens for the lead.
    assert session_for(team_lead).get(merge, {"survivor": a.pk, "loser": b.pk}).status_code == 200


def test_titles_are_escaped(session_for, team_lead, team, japan) -> None:
    title = '<script>alert("x")</script> radar trials'
    OpportunityFactory(title=title, team=team, countries=[japan])
    OpportunityFactory(title=title, team=team, countries=[japan])
    text = session_for(team_lead).get(reverse(URL)).content.decode()
    assert "<script>alert" not in text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; radar trials" in text


def test_another_teams_pair_is_not_shown(
    session_for, desk_staff, outsider, team, other_team, japan
) -> None:
    for owner_team in (team, team, other_team, other_team):
        OpportunityFactory(title="Frigate refit", team=owner_team, countries=[japan])
    theirs = other_team.opportunities.values_list("pk", flat=True)
    ours = team.opportunities.values_list("pk", flat=True)
    desk = session_for(desk_staff).get(reverse(URL)).content.decode()
    outside = session_for(outsider).get(reverse(URL)).content.decode()
    assert desk.count("Merge…") == 1 and outside.count("Merge…") == 1
    for pk in theirs:
        assert f"/{pk}/change/" not in desk
    for pk in ours:
        assert f"/{pk}/change/" not in outside


def test_a_restricted_pair_is_shown_to_the_cleared_only(
    session_for, desk_staff, team_lead, team, japan
) -> None:
    OpportunityFactory(title="Secret sonar", team=team, countries=[japan])
    OpportunityFactory(title="Secret sonar", team=team, countries=[japan], sensitivity="restricted")
    desk = session_for(desk_staff).get(reverse(URL))
    assert desk.status_code == 200 and b"Secret sonar" not in desk.content
    assert b"No possible duplicates" in desk.content
    assert session_for(team_lead).get(reverse(URL)).content.count(b"Merge\xe2\x80\xa6") == 1


def test_who_may_not_change_opportunities_is_refused(session_for, analyst, team) -> None:
    assert session_for(analyst).get(reverse(URL)).status_code == 403


def test_the_page_costs_the_same_queries_for_more_pairs(
    session_for, team_lead, team, japan
) -> None:
    client = session_for(team_lead)

    def queries_with(pairs: int) -> int:
        for n in range(pairs):
            for _ in range(2):
                OpportunityFactory(title=f"Radar lot {n} trials", team=team, countries=[japan])
        with CaptureQueriesContext(connection) as seen:
            page = client.get(reverse(URL))
        assert page.status_code == 200
        return len(seen)

    few = queries_with(2)
    assert queries_with(8) == few
    # The request's savepoint and its release, session, user, the user's permissions, the
    # user's teams; the finder's three (countries, statements, titles); the listed
    # opportunities and their countries.
    assert few == 11
