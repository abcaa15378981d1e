"""`GET /api/opportunities/duplicates/` and `POST /api/opportunities/merge/` (and
`merge/undo/`): the admin's pairs and merge over the API, with its rules: open work of the
user's teams only, looking needs change, merging change and delete, another team's
opportunity cannot be named, versions move on; the list's query count is pinned."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from opportunities.models import FollowUp, Opportunity
from partners.merge_log import MergeLog
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

LIST = "/api/opportunities/duplicates/"
MERGE = "/api/opportunities/merge/"


@pytest.fixture
def twins(team, japan):
    a = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    b = OpportunityFactory(title="RADAR co-production!", team=team, countries=[japan])
    return a, b


def test_the_list_gives_each_pair_with_its_score_and_both_sides(desk_api, twins, team) -> None:
    a, b = twins
    OpportunityFactory(  # a closed twin is not listed
        title="Radar co-production",
        team=team,
        countries=a.countries.all(),
        stage="lost",
        close_reason="x",
    )
    body = desk_api.get(LIST).json()
    assert body["count"] == 1 and body["read_capped"] is None and body["next"] is None
    (pair,) = body["results"]
    assert pair["score"] == 100 and pair["reason"] == "similar titles, same countries"
    assert pair["first"] == {
        "id": a.pk,
        "title": a.title,
        "stage": "identified",
        "team": team.pk,
        "team_name": team.name,
        "version": a.version,
    }
    assert pair["second"]["id"] == b.pk


def test_an_outsider_sees_none_of_our_pairs_and_an_analyst_is_refused(
    outsider_api, token_for, analyst, twins
) -> None:
    assert outsider_api.get(LIST).json()["results"] == []
    assert token_for(analyst).get(LIST).status_code == 403


def test_the_list_is_paged(desk_api, team, japan) -> None:
    for n in range(3):
        for _ in range(2):
            OpportunityFactory(title=f"Sonar lot {n} trials", team=team, countries=[japan])
    first = desk_api.get(LIST, {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    assert len(desk_api.get(first["next"]).json()["results"]) == 1


def test_the_lists_queries_do_not_grow_with_the_pairs(desk_api, team, japan) -> None:
    def queries_with(pairs: int) -> int:
        for n in range(pairs):
            for _ in range(2):
                OpportunityFactory(title=f"Radar lot {n} trials", team=team, countries=[japan])
        with CaptureQueriesContext(connection) as seen:
            assert desk_api.get(LIST).status_code == 200
        return len(seen)

    desk_api.get(LIST)  # the token's first use is stamped once: not the list's cost
    few = queries_with(2)
    assert queries_with(8) == few
    # The token, the user's permissions; the finder's three (titles, countries, statements,
    # each with the user's teams as a subquery); the page's opportunities and team names.
    assert few == 6


def test_a_lead_merges_a_pair_and_undoes_it(lead_api, team_lead, twins) -> None:
    a, b = twins
    follow_up = FollowUpFactory(opportunity=b)
    response = lead_api.post(
        MERGE, {"survivor": a.pk, "loser": b.pk, "take": ["title"]}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["survivor"] == a.pk and body["fields_taken"] == ["title"]
    survivor = Opportunity.objects.get(pk=a.pk)
    assert survivor.title == b.title and survivor.version == a.version + 1
    assert not Opportunity.objects.filter(pk=b.pk).exists()
    assert FollowUp.objects.get(pk=follow_up.pk).opportunity_id == a.pk
    assert MergeLog.objects.get(pk=body["merge"]).merged_by == team_lead
    # The old ETag is stale now: a write with it is refused, as after an admin merge.
    stale = lead_api.patch(
        f"/api/opportunities/{a.pk}/", {"title": "x"}, format="json", HTTP_IF_MATCH=f'"{a.version}"'
    )
    assert stale.status_code == 412
    undone = lead_api.post(f"{MERGE}undo/", {"merge": body["merge"]}, format="json")
    assert undone.status_code == 200 and undone.json()["restored"] == b.pk
    assert FollowUp.objects.get(pk=follow_up.pk).opportunity_id == b.pk


def test_desk_staff_without_delete_may_not_merge(desk_api, twins) -> None:
    a, b = twins
    response = desk_api.post(MERGE, {"survivor": a.pk, "loser": b.pk}, format="json")
    assert response.status_code == 403
    assert Opportunity.objects.filter(pk=b.pk).exists()


def test_another_teams_opportunity_cannot_be_named(lead_api, twins, other_team, japan) -> None:
    a, _ = twins
    theirs = OpportunityFactory(title="Radar co-production", team=other_team, countries=[japan])
    for survivor, loser in ((a.pk, theirs.pk), (theirs.pk, a.pk)):
        response = lead_api.post(MERGE, {"survivor": survivor, "loser": loser}, format="json")
        assert response.status_code == 400
        side = "loser" if loser == theirs.pk else "survivor"
        assert side in response.json()
    assert Opportunity.objects.filter(pk=theirs.pk).exists()


def test_the_same_opportunity_twice_or_an_unknown_field_is_400(lead_api, twins) -> None:
    a, b = twins
    same = lead_api.post(MERGE, {"survivor": a.pk, "loser": a.pk}, format="json")
    assert same.status_code == 400 and "loser" in same.json()
    bad = lead_api.post(MERGE, {"survivor": a.pk, "loser": b.pk, "take": ["stage"]}, format="json")
    assert bad.status_code == 400 and "take" in bad.json()
