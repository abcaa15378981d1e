"""The dashboards' tallies stay exact after every write path: each test writes one way (the
admin, the API, a sheet upload, a merge and its undo, a stage move, a suggestion accepted)
and then compares the kept tallies with a fresh count of the live tables."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from opportunities.merging import opportunity_merge, opportunity_merge_undo
from opportunities.models import FollowUp, Opportunity
from opportunities.services import follow_ups_complete, opportunity_move
from opportunities.suggestions.triage import suggestion_accept
from opportunities.tallies.keep import tallies_rebuild
from opportunities.tallies.models import (
    CountryTally,
    FollowUpTally,
    PairTally,
    StageTally,
)
from tests.opportunities.factories import OpportunityFactory, SuggestionFactory
from tests.partners.factories import CountryFactory, InvestmentAreaFactory
from tests.support.html_forms import form_data
from tests.support.sheets import to_csv
from tests.support.tallies import assert_exact

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(team, other_team, japan):
    home = CountryFactory(code=settings.TRACKER_HOME_COUNTRY)
    france = CountryFactory(code="FR")
    radar = InvestmentAreaFactory(slug="radar", name="Radar")
    a = OpportunityFactory(team=team, title="A", countries=[japan, france], external_id="E-A")
    b = OpportunityFactory(team=team, title="B", countries=[japan], value=None, currency="EUR")
    c = OpportunityFactory(team=other_team, title="C", countries=[france], stage="engaged")
    for opportunity in (a, b, c):
        opportunity.areas.add(radar)
    tallies_rebuild()
    return {"home": home, "france": france, "radar": radar, "a": a, "b": b, "c": c}


def test_a_rebuild_counts_what_python_counts(world, team, japan) -> None:
    stage = {
        (row.team_id, row.stage, row.currency): (row.n, row.value)
        for row in StageTally.objects.all()
    }
    assert stage == {
        (team.pk, "identified", "USD"): (1, Decimal("1000000")),
        (team.pk, "identified", "EUR"): (1, Decimal(0)),  # no value: a sum of 0
        (world["c"].team_id, "engaged", "USD"): (1, Decimal("1000000")),
    }
    countries = Counter()
    for row in CountryTally.objects.filter(team=team):
        countries[row.country_id] += row.n
    assert countries == {japan.pk: 2, world["france"].pk: 1}
    pairs = Counter()
    for row in PairTally.objects.filter(team=team):
        pairs[(row.first_id, row.second_id)] += row.n
    low, high = sorted([japan.pk, world["france"].pk])
    home = world["home"].pk
    assert pairs == {(home, japan.pk): 2, (home, world["france"].pk): 1, (low, high): 1}


def test_the_admin_change_form(world, team_lead, session_for) -> None:
    client = session_for(team_lead)
    url = reverse("admin:opportunities_opportunity_change", args=[world["a"].pk])
    data = form_data(client.get(url), id="opportunity_form")
    data["stage"] = "engaged"
    data["countries"] = [str(world["france"].pk)]  # saved after the opportunity itself
    assert client.post(url, data).status_code == 302
    assert CountryTally.objects.filter(team=team_lead.teams.get(), stage="engaged").exists()
    assert_exact()


def test_the_api_create_edit_and_delete(world, desk_api, lead_api, japan) -> None:
    created = desk_api.post(
        "/api/opportunities/",
        {"title": "New", "team": "Japan desk", "countries": ["JP"], "currency": "JPY"},
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert_exact()
    url = f"/api/opportunities/{world['a'].pk}/"
    edited = desk_api.patch(url, {"countries": ["FR"], "value": "5.00"}, format="json")
    assert edited.status_code == 200, edited.json()
    assert_exact()
    assert lead_api.delete(f"/api/opportunities/{created.json()['id']}/").status_code == 204
    assert_exact()


def test_a_sheet_upload_that_creates_and_moves_between_teams(world, lead_api, superuser) -> None:
    rows = [
        ["external_id", "title", "team", "stage", "countries", "value", "currency"],
        ["E-A", "A", "Japan desk", "proposal", "FR", "9", "INR"],
        ["E-NEW", "Fresh", "Japan desk", "identified", "JP;FR", "3", "USD"],
    ]
    response = lead_api.post(
        "/api/opportunities/bulk/",
        {"file": SimpleUploadedFile("sheet.csv", to_csv(rows))},
        format="multipart",
    )
    assert response.status_code == 200, response.json()
    assert Opportunity.objects.filter(external_id="E-NEW").exists()
    assert_exact()


def test_a_merge_and_its_undo(world, team_lead) -> None:
    log = opportunity_merge(survivor=world["a"], loser=world["b"], by=team_lead)
    assert_exact()
    opportunity_merge_undo(log=log, by=team_lead)
    assert_exact()


def test_stage_moves_from_the_admin_action_and_the_board(world, team_lead, session_for) -> None:
    opportunity_move(
        opportunities=Opportunity.objects.filter(team=world["a"].team), stage="won", reason="Signed"
    )
    assert_exact()
    client = session_for(team_lead)
    url = reverse("dashboards:board_move", args=[world["a"].pk])
    world["a"].refresh_from_db()
    response = client.post(url, {"stage": "qualifying", "version": world["a"].version})
    assert response.status_code == 302
    assert_exact()


def test_a_suggestion_accepted_into_a_new_opportunity(world, team, desk_staff, japan) -> None:
    suggestion = SuggestionFactory()
    suggestion.countries.add(japan)
    suggestion.areas.add(world["radar"])
    suggestion_accept(suggestion_id=suggestion.pk, by=desk_staff, team=team)
    assert_exact()


def test_follow_ups_written_by_the_api_the_services_and_a_sheet(world, desk_api, lead_api) -> None:
    made = desk_api.post(
        "/api/follow-ups/",
        {"opportunity": world["a"].pk, "title": "Call", "due_date": "2026-01-05"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    assert FollowUpTally.objects.exists()
    assert_exact()
    url = f"/api/follow-ups/{made.json()['id']}/"
    assert desk_api.patch(url, {"due_date": "2026-02-01"}, format="json").status_code == 200
    assert_exact()
    follow_ups_complete(follow_ups=FollowUp.objects.filter(pk=made.json()["id"]))
    assert_exact()
    rows = [["opportunity", "title", "due_date", "status"], ["E-A", "Visit", "2026-03-01", "open"]]
    sheet = lead_api.post(
        "/api/follow-ups/bulk/",
        {"file": SimpleUploadedFile("f.csv", to_csv(rows))},
        format="multipart",
    )
    assert sheet.status_code == 200, sheet.json()
    assert_exact()
    assert lead_api.delete(url).status_code == 204
    assert_exact()


def test_an_admin_delete_and_a_bulk_delete(world, superuser, session_for) -> None:
    client = session_for(superuser)
    url = reverse("admin:opportunities_opportunity_delete", args=[world["a"].pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert not Opportunity.objects.filter(pk=world["a"].pk).exists()
    assert_exact()
    changelist = reverse("admin:opportunities_opportunity_changelist")
    chosen = [str(world["b"].pk)]
    data = {"action": "delete_selected", "_selected_action": chosen, "post": "yes"}
    assert client.post(changelist, data).status_code == 302
    assert not Opportunity.objects.filter(pk=world["b"].pk).exists()
    assert_exact()


def test_a_follow_up_deleted_from_the_change_form(world, team_lead, session_for) -> None:
    follow_up = FollowUp.objects.create(
        opportunity=world["a"], title="Call", due_date=world["a"].created_at.date()
    )
    tallies_rebuild()
    client = session_for(team_lead)
    url = reverse("admin:opportunities_opportunity_change", args=[world["a"].pk])
    data = form_data(client.get(url), id="opportunity_form")
    prefix = next(
        key for key, value in data.items() if key.endswith("-id") and value == str(follow_up.pk)
    )
    data[prefix.replace("-id", "-DELETE")] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert not FollowUp.objects.filter(pk=follow_up.pk).exists()
    assert_exact()
