"""Query counts with 1,000 opportunities present: the dashboards aggregate in the database, so
the count is the same as with a handful (no query per row, owner, country or source)."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity
from opportunities.tallies.keep import tallies_rebuild
from statements.models import ImportRun
from tests.opportunities.factories import SuggestionFactory
from tests.partners.factories import InvestmentAreaFactory
from tests.statements.factories import (
    ImportRunFactory,
    MentionFactory,
    SourceFactory,
    StatementFactory,
)
from tests.tracker.factories import UserFactory
from tracker.dashboards.board import CARDS_PER_COLUMN

pytestmark = pytest.mark.django_db

OPPORTUNITIES = 1_000


@pytest.fixture
def many_opportunities(known, team, other_team, desk_staff, team_lead):
    """1,000 more opportunities over both teams, 8 owners, every stage, two countries and six
    areas each, two follow-ups each; 20 statements with mentions and suggestions; 6 sources."""
    owners = [desk_staff, team_lead] + [UserFactory(username=f"owner{i}") for i in range(6)]
    team.members.add(*owners)
    areas = [known.codev, known.training] + [InvestmentAreaFactory() for _ in range(4)]
    stages = itertools.cycle(Opportunity.Stage.values)
    now = timezone.now()
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(
            title=f"Bulk {i}",
            team=team if i % 3 else other_team,
            owner=owners[i % len(owners)],
            stage=(stage := next(stages)),
            close_reason="Done" if stage in Opportunity.CLOSED_STAGES else "",
            closed_at=now - datetime.timedelta(days=i % 300)
            if stage in Opportunity.CLOSED_STAGES
            else None,
            value=1000 * i,
            currency=["USD", "INR", "EUR"][i % 3],
        )
        for i in range(OPPORTUNITIES)
    )
    Country, Area = Opportunity.countries.through, Opportunity.areas.through
    Country.objects.bulk_create(
        Country(opportunity=o, country=known.japan if i % 2 else known.france)
        for i, o in enumerate(opportunities)
    )
    Area.objects.bulk_create(
        Area(opportunity=o, investmentarea=areas[i % len(areas)])
        for i, o in enumerate(opportunities)
    )
    today = timezone.localdate()
    FollowUp.objects.bulk_create(
        FollowUp(
            opportunity=o,
            title=f"Follow-up {i}-{n}",
            owner=owners[(i + n) % len(owners)],
            due_date=today + datetime.timedelta(days=(i % 20) - 10 + n),
        )
        for i, o in enumerate(opportunities)
        for n in range(2)
    )
    for _ in range(6):
        source = SourceFactory()
        ImportRunFactory(source=source, status=ImportRun.Status.FAILED)
        ImportRunFactory(source=source)
    for n in range(20):
        statement = StatementFactory(source=known.source)
        MentionFactory(statement=statement, country=known.japan)
        SuggestionFactory(statement=statement)
        opportunities[n].statements.add(statement)
    tallies_rebuild()  # made in bulk, bypassing the services that keep the tallies
    return opportunities


@pytest.mark.parametrize("who", ["team_lead", "superuser"])
def test_overview_query_count_is_bounded(
    many_opportunities, request, session_for, django_assert_max_num_queries, who
):
    client = session_for(request.getfixturevalue(who))
    # Fixed, whatever the data: among them the exchange rates of the value totals, the count
    # of stories and the navigation's saved views, one query each.
    with django_assert_max_num_queries(24):
        response = client.get("/")
    assert response.status_code == 200
    total = sum(row.count for row in response.context["stages"])
    assert total == (5 + 1 + OPPORTUNITIES if who == "superuser" else 5 + 666)


def test_lists_and_pages_query_counts_are_bounded(
    many_opportunities, known, team_lead, session_for, django_assert_max_num_queries
):
    client = session_for(team_lead)
    pages = {
        "/dashboards/opportunities/": 14,
        "/dashboards/opportunities/?country=JP&area=co-development&stage=won": 14,
        "/dashboards/follow-ups/?due=overdue": 12,
        # The statement page also lists its commitments and its open name candidates.
        reverse("dashboards:statement", args=[known.statement.pk]): 19,
        # The country page also reads its policy states and the countries it acts beside (and
        # the home country's name, when that is not among them) for its partnership links, and
        # the navigation's saved views.
        reverse("dashboards:country", args=["JP"]): 19,
        reverse("dashboards:area", args=["co-development"]): 16,
        reverse("dashboards:firm", args=[known.firm.pk]): 16,
    }
    for url, budget in pages.items():
        with django_assert_max_num_queries(budget):
            response = client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("who", ["team_lead", "superuser"])
def test_the_board_costs_a_fixed_number_of_queries(
    many_opportunities,
    known,
    request,
    session_for,
    django_assert_num_queries,
    django_assert_max_num_queries,
    who,
):
    client = session_for(request.getfixturevalue(who))
    # A savepoint and its release, the session, the user (a team lead's permissions and
    # teams); the counts per stage, a page of cards for each of the 8 stages, their partner
    # countries; the saved views in the navigation; the filter menus' teams and owners and
    # the save form's teams.
    with django_assert_num_queries(20 if who == "team_lead" else 18):
        response = client.get("/dashboards/board/")
    columns = response.context["columns"]
    assert sum(column.total for column in columns) == (
        5 + 666 if who == "team_lead" else 6 + OPPORTUNITIES
    )
    assert all(len(column.cards) == min(column.total, CARDS_PER_COLUMN) for column in columns)
    # The counts per stage came from the tallies; filtered by a country and an area together
    # they are counted live (no tally has both), in the same one query.
    # Filtered: the filters narrow the queries and add none (stages left empty need none).
    with django_assert_max_num_queries(20 if who == "team_lead" else 18):
        response = client.get("/dashboards/board/?country=JP&area=co-development")
    assert response.status_code == 200
