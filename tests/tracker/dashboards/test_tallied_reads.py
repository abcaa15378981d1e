"""The dashboards read the tallies for the filters they cover (team; the board's country or
area) and count live for the rest (owner, dates): both ways give the same figures, and the
live way is the one taken when a filter needs it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory
from tracker.dashboards.filters import Scope

pytestmark = pytest.mark.django_db

PAIR = reverse("dashboards:partnership", kwargs={"first": "IN", "second": "JP"})


@pytest.fixture
def data(known, team, other_team):
    CountryFactory(code="IN")  # the home country, party to every pair with it
    # Restricted work: counted for those cleared for it (team leads), left out for the rest.
    OpportunityFactory(team=team, sensitivity="restricted", countries=[known.japan], value=9)
    return known


def figures(response) -> dict[str, object]:
    context = response.context
    if "columns" in context:
        return {"board": [(c.stage, c.total) for c in context["columns"]]}
    if "by_stage" in context:
        rows = [(r["label"], r["n"], r["values"]) for r in context["by_stage"]]
        return {"stages": rows, "years": context["year_rows"]}
    matrix = context["matrix"]
    return {
        "stages": [(row.stage, row.count, row.values) for row in context["stages"]],
        "months": [(row.month, row.won, row.lost) for row in context["months"]],
        "countries": matrix.countries,
        "areas": matrix.areas,
        "cells": matrix.cells,
    }


@pytest.mark.parametrize("who", ["desk_staff", "team_lead", "superuser"])
@pytest.mark.parametrize(
    "path",
    ["/", "/?team={team}", "/dashboards/board/", "/dashboards/board/?country=JP", PAIR],
)
def test_tallies_and_a_live_count_agree(data, request, session_for, monkeypatch, who, path):
    client = session_for(request.getfixturevalue(who))
    url = path.format(team=request.getfixturevalue("team").pk)
    tallied = figures(client.get(url))
    monkeypatch.setattr(Scope, "tallied", property(lambda self: False))
    assert figures(client.get(url)) == tallied


def test_restricted_work_is_counted_only_for_those_cleared(
    data, desk_staff, team_lead, session_for
):
    def identified(user) -> int:
        stages = session_for(user).get("/").context["stages"]
        return next(row.count for row in stages if row.stage == "identified")

    assert identified(team_lead) == identified(desk_staff) + 1


def test_an_owner_filter_counts_live(data, team_lead, desk_staff, session_for) -> None:
    response = session_for(team_lead).get(f"/?owner={desk_staff.pk}")
    counts = {row.stage: row.count for row in response.context["stages"] if row.count}
    mine = Opportunity.objects.filter(owner=desk_staff)
    assert counts == {stage: mine.filter(stage=stage).count() for stage in counts}
    assert sum(counts.values()) == mine.count() == 1


@pytest.mark.parametrize("who", ["desk_staff", "team_lead", "superuser"])
def test_the_follow_up_panel_counts_what_a_live_count_gives(data, request, session_for, who):
    user = request.getfixturevalue(who)
    today = timezone.localdate()
    panel = session_for(user).get("/").context["follow_ups"]
    live = (
        FollowUp.objects.visible_to(user)
        .open()
        .filter(due_date__lte=today + datetime.timedelta(days=7))
    )
    expected = {
        owner: (
            live.filter(owner=owner, due_date__lt=today).count(),
            live.filter(owner=owner, due_date__gte=today).count(),
        )
        for owner in set(live.values_list("owner", flat=True))
    }
    assert {row["owner"]: (row["overdue"], row["this_week"]) for row in panel} == expected
    assert expected
