"""On PostgreSQL the opportunity list's JSON is written by the database (`db_json`): every page
must be the one DRF writes, hostile text, empty values, label order and time zones included;
whatever the fast path does not take (odd page numbers, other renderers) DRF answers."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection, models
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers

from opportunities.models import Opportunity
from partners.api_support import db_json

from ..factories import (
    CountryFactory,
    FirmFactory,
    FollowUpFactory,
    InvestmentAreaFactory,
    OpportunityFactory,
    PolicyOpeningFactory,
    StatementFactory,
)
from .test_db_sheets import NASTY

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's; elsewhere DRF writes every page"
    ),
]


def page(api, url: str, *, drf: bool, monkeypatch):
    """The response, and whether the database wrote it."""
    answers = []
    real = db_json.page_response

    def spy(*args):
        answers.append(None if drf else real(*args))
        return answers[-1]

    with monkeypatch.context() as patch:
        patch.setattr(db_json, "page_response", spy)
        response = api.get(url)
    return response, any(answer is not None for answer in answers)


def both(api, url: str, monkeypatch):
    written, by_database = page(api, url, drf=False, monkeypatch=monkeypatch)
    expected, _ = page(api, url, drf=True, monkeypatch=monkeypatch)
    assert written.status_code == expected.status_code
    for header in ("Content-Type", "Allow", "Vary"):
        assert written.get(header) == expected.get(header), header
    return written, expected, by_database


@pytest.fixture
def varied_opportunities(team, japan):
    """Labels whose order differs by code point and by locale, several of each relation,
    missing owners, values and dates, times with and without microseconds."""
    countries = [japan] + [
        CountryFactory(code=code, alpha_3=alpha_3, name=name)
        for code, alpha_3, name in (
            ("ZM", "ZMB", "Zambia"),
            ("AX", "ALA", "Åland"),
            ("IE", "IRL", "éire"),
            ("IN", "IND", "India"),
        )
    ]
    areas = [
        InvestmentAreaFactory(slug=slug, name=name)
        for slug, name in (("b-area", "Área b"), ("a-area", "zeta"), ("Upper", "=Upper"))
    ]
    firms = [FirmFactory(name=name, country=japan) for name in ("beta KK", "Alpha KK", "Ω Corp")]
    firms.append(FirmFactory(name="Alpha KK", country=countries[4]))  # same name, other country
    openings = [
        PolicyOpeningFactory(country=c, title=t)
        for c, t in zip(countries[:4], NASTY[:4], strict=True)
    ]
    statements = [StatementFactory(title=t) for t in ("=Statement", "second", "Ärger")]
    lead = team.members.first()
    for index, text in enumerate(NASTY):
        opportunity = OpportunityFactory(
            team=team,
            owner=None if index % 2 else lead,
            title=text or "untitled",
            description=text,
            close_reason=text,
            external_id=f"N-{index}" if index % 3 else "",
            value=None if index % 4 == 0 else 1234.5 * index,
            probability=index * 7,
            stage=Opportunity.Stage.IDENTIFIED if index % 3 else Opportunity.Stage.ENGAGED,
            expected_close=None if index % 2 else datetime.date(2027, 1, 1 + index),
            countries=countries[: 1 + index % len(countries)],
        )
        opportunity.areas.add(*areas[: index % 4])
        opportunity.firms.add(*firms[index % 3 :])
        opportunity.policy_openings.add(*openings[: index % 5])
        opportunity.statements.add(*statements[: index % 4])
        if index % 2:
            FollowUpFactory(opportunity=opportunity, due_date=datetime.date(2026, 12, 1 + index))
    Opportunity.objects.filter(title="+1+1").update(
        updated_at=datetime.datetime(2026, 11, 25, 10, 0, tzinfo=datetime.UTC),
        closed_at=datetime.datetime(1999, 12, 31, 23, 59, 59, 5, tzinfo=datetime.UTC),
    )


@pytest.mark.parametrize(
    "zone,query",
    [
        ("UTC", ""),
        ("Asia/Kolkata", "?ordering=-updated_at"),
        ("America/St_Johns", "?ordering=title&stage=identified"),  # UTC-03:30: half hours
        ("UTC", "?country=JP&page_size=4"),
        ("Europe/London", "?page_size=4&page=2&ordering=-value"),
        ("UTC", "?page_size=4&page=4"),  # the last page, two rows
        ("UTC", "?country=ZM&stage=engaged&stage=identified"),
        ("UTC", "?country=XX"),  # names no country: matches nothing
        ("UTC", "?q=line"),
    ],
)
def test_the_database_writes_the_page_drf_writes(
    desk_api, varied_opportunities, monkeypatch, zone, query
):
    with timezone.override(zone):
        written, expected, by_database = both(desk_api, f"/api/opportunities/{query}", monkeypatch)
    assert written.status_code == 200, written.content
    assert by_database, "the database did not write it"
    assert written.json() == expected.json()
    assert query == "?country=XX" or written.json()["results"]


@pytest.mark.parametrize(
    "query,status",
    [
        ("?page=9", 404),  # past the last page
        ("?page=0", 404),
        ("?page=two", 404),
        ("?page=last&page_size=4", 200),
        ("?page_size=0", 400),
        ("?format=api", 200),  # the browsable API renders its own page
    ],
)
def test_what_the_database_does_not_write_drf_answers(
    desk_api, varied_opportunities, monkeypatch, query, status
):
    written, expected, by_database = both(desk_api, f"/api/opportunities/{query}", monkeypatch)
    assert written.status_code == status
    assert not by_database
    if written["Content-Type"] == "application/json":  # the HTML page has a fresh CSRF token
        assert written.content == expected.content


def test_another_teams_rows_stay_out_of_the_count_and_the_page(
    desk_api, team, other_team, japan, monkeypatch
):
    OpportunityFactory(team=team, title="ours", countries=[japan])
    OpportunityFactory(team=other_team, title="theirs", countries=[japan])
    written, expected, by_database = both(desk_api, "/api/opportunities/", monkeypatch)
    assert by_database
    assert written.json() == expected.json()
    assert [row["title"] for row in written.json()["results"]] == ["ours"]
    assert written.json()["count"] == 1


# Text PostgreSQL can hold: no NUL, no lone surrogates.
text = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\x00"), max_size=40
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(title=text, country_name=text)
def test_any_text_comes_back_as_drf_writes_it(
    desk_api, opportunity, japan, monkeypatch, title, country_name
):
    Opportunity.objects.filter(pk=opportunity.pk).update(title=title, description=title)
    japan.name = country_name
    japan.save()
    written, expected, by_database = both(desk_api, "/api/opportunities/", monkeypatch)
    assert by_database
    assert written.json() == expected.json()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    moment=st.datetimes(
        min_value=datetime.datetime(1970, 1, 1),
        max_value=datetime.datetime(2100, 1, 1),
        timezones=st.just(datetime.UTC),
    ),
    zone=st.sampled_from(["UTC", "Asia/Kolkata", "America/St_Johns", "Europe/London"]),
)
def test_times_come_out_as_drf_writes_them(moment, zone):
    field = serializers.DateTimeField()
    sql = db_json._plain(field, models.DateTimeField(), "%s::timestamptz", zone)
    with timezone.override(zone), connection.cursor() as cursor:
        cursor.execute(f"SELECT ({sql})::text", [moment] * sql.count("%s"))
        (written,) = cursor.fetchone()
        assert json.loads(written) == field.to_representation(moment)
