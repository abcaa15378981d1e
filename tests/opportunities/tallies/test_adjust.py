"""A single write adjusts the tallies by its change (`tallies_adjusted`) instead of recounting
its team: after each kind of change the kept rows equal a fresh rebuild, and a save's queries
do not grow with the team."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.models import FollowUp, Opportunity
from opportunities.services import (
    follow_up_save,
    follow_ups_complete,
    opportunity_move,
    opportunity_save,
)
from opportunities.tallies import adjust
from opportunities.tallies.adjust import tallies_adjusted
from opportunities.tallies.keep import tallies_kept, tallies_rebuild
from opportunities.tallies.models import FollowUpTally, StageTally
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory
from tests.partners.factories import CountryFactory, InvestmentAreaFactory
from tests.support.tallies import assert_exact

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 1, 5)


@pytest.fixture
def world(team, other_team, japan, desk_staff):
    home = CountryFactory(code=settings.TRACKER_HOME_COUNTRY)
    france = CountryFactory(code="FR")
    radar = InvestmentAreaFactory(slug="radar", name="Radar")
    sonar = InvestmentAreaFactory(slug="sonar", name="Sonar")
    a = OpportunityFactory(team=team, title="A", countries=[japan, france])
    a.areas.add(radar, sonar)
    b = OpportunityFactory(team=team, title="B", countries=[japan], value=None, currency="EUR")
    b.areas.add(radar)
    c = OpportunityFactory(team=other_team, title="C", countries=[france], stage="engaged")
    FollowUpFactory(opportunity=a, owner=None, due_date=DUE)
    FollowUpFactory(opportunity=a, owner=desk_staff, due_date=DUE)
    FollowUpFactory(opportunity=b, owner=None, due_date=DUE)
    tallies_rebuild()
    return SimpleNamespace(home=home, france=france, radar=radar, a=a, b=b, c=c)


def _saved(opportunity: Opportunity, **changes) -> Opportunity:
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    for name, value in changes.items():
        setattr(opportunity, name, value)
    return opportunity_save(opportunity=opportunity, expected_version=opportunity.version)


@pytest.mark.parametrize(
    "changes",
    [
        {"stage": "won", "close_reason": "Signed"},
        {"stage": "proposal"},
        {"value": None},
        {"value": Decimal("7.25")},
        {"currency": "JPY"},
        {"sensitivity": "restricted"},
        {"title": "Renamed only"},
    ],
    ids=["won", "stage", "no-value", "value", "currency", "sensitivity", "title"],
)
def test_a_save_of_one_field_is_adjusted_exactly(world, changes) -> None:
    _saved(world.a, **changes)
    assert_exact()


def test_a_move_to_another_team_and_back(world, other_team, team) -> None:
    _saved(world.a, team=other_team)
    assert StageTally.objects.filter(team=other_team).exists()
    assert_exact()
    _saved(world.a, team=team)
    assert_exact()


def test_a_valued_opportunity_loses_its_value_then_its_group(world) -> None:
    # B is the only EUR one: with its value gone its row sums 0, as a recount's does; moved
    # away, the row is deleted, not left at n = 0.
    _saved(world.b, value=Decimal("3.00"))
    assert_exact()
    _saved(world.b, value=None)
    assert_exact()
    _saved(world.b, currency="USD")
    assert not StageTally.objects.filter(currency="EUR").exists()
    assert not StageTally.objects.filter(n=0).exists()
    assert_exact()


def test_a_new_opportunity_from_the_service(world, team) -> None:
    opportunity_save(opportunity=Opportunity(title="New", team=team), expected_version=None)
    assert_exact()


def test_links_added_and_removed_over_the_api(world, desk_api, japan) -> None:
    url = f"/api/opportunities/{world.a.pk}/"
    response = desk_api.patch(url, {"countries": ["FR"], "areas": ["sonar"]}, format="json")
    assert response.status_code == 200, response.json()
    assert_exact()
    response = desk_api.patch(url, {"countries": ["JP", "FR", settings.TRACKER_HOME_COUNTRY]})
    assert response.status_code == 200, response.json()
    assert_exact()
    response = desk_api.patch(url, {"areas": []}, format="json")
    assert response.status_code == 200, response.json()
    assert_exact()


def test_a_create_and_a_delete_over_the_api(world, desk_api, lead_api) -> None:
    created = desk_api.post(
        "/api/opportunities/",
        {"title": "New", "team": "Japan desk", "countries": ["JP", "FR"], "areas": ["radar"]},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert_exact()
    assert lead_api.delete(f"/api/opportunities/{world.a.pk}/").status_code == 204
    assert_exact()


def test_follow_ups_edited_moved_done_and_deleted(world, desk_api, desk_staff) -> None:
    follow_up = FollowUp.objects.get(opportunity=world.a, owner=None)
    follow_up.due_date = DUE + datetime.timedelta(days=1)
    follow_up_save(follow_up=follow_up, expected_version=follow_up.version)
    assert_exact()
    follow_up.owner = desk_staff
    follow_up_save(follow_up=follow_up, expected_version=follow_up.version)
    assert_exact()
    follow_up.opportunity = world.c  # under another team's opportunity
    follow_up_save(follow_up=follow_up, expected_version=follow_up.version)
    assert_exact()
    follow_ups_complete(follow_ups=FollowUp.objects.filter(opportunity=world.a))
    assert_exact()
    made = desk_api.post(
        "/api/follow-ups/",
        {"opportunity": world.b.pk, "title": "Call", "due_date": DUE.isoformat()},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert_exact()
    assert desk_api.delete(f"/api/follow-ups/{made.json()['id']}/").status_code == 204
    assert_exact()


def test_follow_ups_deleted_in_their_own_admin(world, superuser, session_for) -> None:
    client = session_for(superuser)
    one = FollowUp.objects.filter(opportunity=world.a).first()
    url = reverse("admin:opportunities_followup_delete", args=[one.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert_exact()
    chosen = [str(pk) for pk in FollowUp.objects.values_list("pk", flat=True)]
    changelist = reverse("admin:opportunities_followup_changelist")
    data = {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    assert client.post(changelist, data).status_code == 302
    assert not FollowUp.objects.exists() and not FollowUpTally.objects.exists()
    assert_exact()


def test_owner_less_follow_ups_of_one_day_share_one_row(world, team) -> None:
    # The key's NULL owner is compared as 0 (`key_unique`), so the upsert finds the row.
    follow_up_save(follow_up=FollowUp(opportunity=world.b, title="Visit", due_date=DUE))
    row = FollowUpTally.objects.get(team=team, owner=None, due_date=DUE)
    assert row.n == 3
    assert_exact()


def test_a_drifted_tally_is_recounted_instead(world, team) -> None:
    # A write that bypassed the services left a row missing: the decrement finds nothing to
    # take from, so the team is recounted rather than the drift kept.
    StageTally.objects.filter(team=team, currency="USD")._raw_delete(connection.alias)
    _saved(world.a, stage="engaged")
    assert_exact()


def test_an_adjustment_inside_another_or_around_a_recount_is_refused(world, team) -> None:
    with pytest.raises(RuntimeError), tallies_adjusted([world.a]), tallies_adjusted([world.a]):
        pass
    with pytest.raises(RuntimeError), tallies_adjusted([world.a]):
        tallies_kept(team_ids=[team.pk])


def test_a_move_of_many_recounts_their_teams(world, team, monkeypatch) -> None:
    monkeypatch.setattr(adjust, "RECOUNT_ABOVE", 1)  # as a selection of thousands would
    moved = opportunity_move(
        opportunities=Opportunity.objects.filter(team=team), stage="won", reason="Signed"
    )
    assert moved == 2
    assert StageTally.objects.get(team=team, stage="won", currency="USD").n == 1
    assert_exact()


def _save_queries(opportunity: Opportunity, stage: str) -> int:
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    opportunity.stage = stage
    with CaptureQueriesContext(connection) as queries:
        opportunity_save(opportunity=opportunity, expected_version=opportunity.version)
    return len(queries)


def test_a_saves_queries_do_not_grow_with_its_team(world, team, japan) -> None:
    small = _save_queries(world.a, "engaged")
    for _ in range(30):
        opportunity = OpportunityFactory(team=team, countries=[japan, world.france])
        opportunity.areas.add(world.radar)
    tallies_rebuild()  # areas added with the ORM, after the factory counted
    large = _save_queries(world.a, "proposal")
    # 28 of the save itself (the row locked for the version check, full_clean's constraint
    # checks each in a savepoint, the UPDATE, the history record and its links, the webhook
    # lookup), 32 of the tallies: a savepoint and its release, the home country, the team
    # locked, 8 grouped reads before the UPDATE and 8 after; then in each of the 4 tables
    # the stage is in (not the matrix, the closings, the follow-ups) an UPDATE and a DELETE
    # of the rows it leaves and an upsert of the rows it joins.
    assert (small, large) == (60, 60)
    assert_exact()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is shared-cache: it fails on locks, never waits",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_saves_of_one_team_lose_no_count(team, japan) -> None:
    CountryFactory(code=settings.TRACKER_HOME_COUNTRY)
    mine = [OpportunityFactory(team=team, countries=[japan]) for _ in range(4)]
    failures: list[BaseException] = []

    def move(opportunities: list[Opportunity]) -> None:
        try:
            for stage in ("engaged", "proposal", "agreement"):
                for opportunity in opportunities:
                    _saved(opportunity, stage=stage)
        except BaseException as error:  # collected and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=move, args=(mine[n::2],)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert failures == []
    assert StageTally.objects.get(team=team, stage="agreement").n == 4
    assert_exact()
