"""The partnership page of two countries: what it shows, to whom, and at what cost."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp, Opportunity
from partners.models import PolicyOpening
from tests.opportunities.factories import SuggestionFactory
from tests.partners.factories import PolicyOpeningFactory
from tests.support.dashboards import commitment, pair_statement, taken_up

pytestmark = pytest.mark.django_db

PAGE = "/dashboards/partnerships/IN-JP/"


def events_of(response, kind):
    return [event.item for event in response.context["events"] if event.kind == kind]


def test_timeline_has_the_statements_where_both_act_and_their_commitments(
    pair, desk_staff, session_for
):
    response = session_for(desk_staff).get(PAGE)
    assert response.status_code == 200
    assert events_of(response, "statement") == [pair["later"], pair["march"]]
    march = next(e for e in response.context["events"] if e.item == pair["march"])
    taken = {c.sentence: (f.title if f else None) for c, f in march.commitments}
    # The other team's follow-up is not named: that commitment reads as not taken up by us.
    assert taken == {
        "India and Japan agreed to hold a joint exercise.": "Plan the joint exercise",
        "They agreed to meet again next year.": None,
    }
    html = response.content.decode()
    assert "Another team" not in html
    assert "India-Japan &lt;b&gt;briefing&lt;/b&gt;" in html  # statement titles stay escaped
    assert "India-US talks" not in html


def test_opportunities_between_them_are_the_users_teams_by_stage(
    pair, desk_staff, superuser, session_for
):
    response = session_for(desk_staff).get(PAGE)
    assert events_of(response, "opportunity") == [pair["ours"]]
    assert [(row["label"], row["n"]) for row in response.context["by_stage"]] == [("Identified", 1)]
    assert (
        response.context["by_stage"][0]["href"]
        == "/dashboards/opportunities/?stage=identified&country=JP"
    )
    everyone = session_for(superuser).get(PAGE)
    assert set(events_of(everyone, "opportunity")) == {pair["ours"], pair["theirs"]}


def test_policy_steps_of_either_side_and_counts_per_year(pair, desk_staff, session_for):
    response = session_for(desk_staff).get(PAGE)
    assert {o.country.code for o in events_of(response, "policy")} == {"IN", "JP"}
    rows = {row["year"]: row["counts"] for row in response.context["year_rows"]}
    today = timezone.localdate().year
    # Statements, commitments, opportunities (created this year), policy steps.
    assert rows[2020] == [0, 0, 0, 1]
    assert rows[2023] == [1, 2, 0, 1]
    assert rows[2024] == [1, 1, 0, 0]
    assert rows[today][2] == 1
    chart = response.context["year_chart"]
    assert [group.label for group in chart.groups] == [str(y) for y in sorted(rows)]
    assert chart.groups[0].columns[0].href == "?since=2020-01-01&until=2020-12-31"


def test_a_year_narrows_the_timeline(pair, desk_staff, session_for):
    response = session_for(desk_staff).get(PAGE, {"since": "2024-01-01", "until": "2024-12-31"})
    assert events_of(response, "statement") == [pair["later"]]
    assert events_of(response, "policy") == []


def test_pair_address_is_canonical_and_checked(pair, desk_staff, session_for):
    client = session_for(desk_staff)
    response = client.get("/dashboards/partnerships/jp-in/?since=2024-01-01")
    assert response.status_code == 301
    assert response["Location"] == PAGE + "?since=2024-01-01"
    assert client.get("/dashboards/partnerships/JP-JP/").status_code == 404
    assert client.get("/dashboards/partnerships/IN-ZZ/").status_code == 404
    assert client.get(PAGE, {"since": "nonsense"}).status_code == 400


def test_signed_out_visitor_goes_to_login(pair, client):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_country_page_and_overview_link_to_the_partnership(pair, known, desk_staff, session_for):
    client = session_for(desk_staff)
    country = client.get(reverse("dashboards:country", args=["JP"]))
    assert [(row["code"], row["n"]) for row in country.context["partnerships"]] == [("IN", 2)]
    assert PAGE in country.content.decode()
    overview = client.get("/")
    assert PAGE in overview.content.decode()


def test_query_count_is_fixed_however_long_the_history(pair, team, desk_staff, session_for):
    client = session_for(desk_staff)
    client.get(PAGE)  # the session and permission caches warm up

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(PAGE).status_code == 200
        return len(captured)

    few = queries()
    india, japan = pair["india"], pair["japan"]
    opportunities = Opportunity.objects.bulk_create(
        Opportunity(title=f"Bulk {i}", team=team, stage=Opportunity.Stage.values[i % 8],
                    close_reason="Done" if i % 8 in (5, 6) else "")
        for i in range(1_000)
    )  # fmt: skip
    Opportunity.countries.through.objects.bulk_create(
        Opportunity.countries.through(opportunity=o, country=japan) for o in opportunities
    )
    FollowUp.objects.bulk_create(
        FollowUp(opportunity=o, title="Call", due_date=timezone.localdate()) for o in opportunities
    )
    for n in range(40):
        statement = pair_statement(india, japan, published_on=datetime.date(2010 + n % 15, 1, 1))
        item = commitment(statement, f"They agreed to step {n}.", 0)
        if n % 2:
            taken_up(statement, item, opportunities[n], f"Step {n}")
        SuggestionFactory(statement=statement)
        PolicyOpeningFactory(country=india if n % 2 else japan, title=f"Step {n}")
    assert queries() == few
    # The request's savepoint and its release; session, user, permissions, the user's team ids
    # (assignable owners); the two countries; the statements, opportunities and steps shown;
    # the shown statements' commitments and the follow-ups that took them up; opportunities
    # and values per stage and currency, and the exchange rates; per-year counts of statements,
    # commitments, opportunities and steps; the statement total; the filter form's teams and
    # owners; the navigation's saved views.
    assert few == 22


def test_country_page_shows_the_policy_state_and_the_steps_to_it(pair, desk_staff, session_for):
    india, first = pair["india"], pair["fdi_2020"]
    PolicyOpeningFactory(
        country=india, title="Defence FDI opening: 100% (from statement)", cap="100%",
        previous=first, status=PolicyOpening.Status.CANDIDATE,
        announced_on=datetime.date(2026, 11, 2),
    )  # fmt: skip
    response = session_for(desk_staff).get(reverse("dashboards:country", args=["IN"]))
    fdi = next(s for s in response.context["policy_states"] if s.kind == PolicyOpening.Kind.FDI)
    assert fdi.current == first
    html = response.content.decode()
    assert "Now: <strong>In force</strong> · 74% · Automatic route · since 30 Sep 2020" in html
    assert "Proposed from a statement" in html
