"""The dashboard pages: the figures of a known data set, team scoping, links into filtered lists,
escaping of imported text, bad filters, and query counts that do not grow with the data."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from opportunities.models import ExchangeRate
from statements.models import Mention
from tests.partners.factories import CountryFactory
from tests.statements.factories import MentionFactory, SourceFactory, StatementFactory

pytestmark = pytest.mark.django_db

OVERVIEW = "/"


def stage_row(response, stage: str):
    return next(row for row in response.context["stages"] if row.stage == stage)


def test_root_sends_visitors_to_log_in(client):
    response = client.get(OVERVIEW)
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=/"


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/opportunities/",
        "/dashboards/follow-ups/",
        "/dashboards/statements/1/",
        "/dashboards/countries/JP/",
        "/dashboards/firms/1/",
        "/dashboards/areas/training/",
    ],
)
def test_every_page_needs_a_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_overview_shows_the_team_leads_figures(known, team_lead, session_for):
    response = session_for(team_lead).get(OVERVIEW)
    assert response.status_code == 200
    identified = stage_row(response, "identified")
    assert identified.count == 2
    assert identified.values == {"USD": Decimal("3000000")}
    assert stage_row(response, "proposal").values == {"INR": Decimal("5000000")}
    assert stage_row(response, "won").count == 1
    assert stage_row(response, "lost").count == 1
    assert stage_row(response, "engaged").count == 0
    assert response.context["currency"] == "USD"

    this_month = response.context["months"][-1]
    assert (this_month.month, this_month.won, this_month.lost) == (
        timezone.localdate().replace(day=1),
        1,
        1,
    )
    assert len(response.context["months"]) == 12
    assert sum(row.won + row.lost for row in response.context["months"]) == 2

    matrix = response.context["matrix"]
    assert [(c["code"], c["n"]) for c in matrix.countries] == [("JP", 3), ("FR", 2)]
    assert [(a["slug"], a["n"]) for a in matrix.areas] == [("co-development", 3), ("training", 1)]
    assert matrix.cells == {
        ("JP", "co-development"): 2,
        ("JP", "training"): 1,
        ("FR", "co-development"): 1,
    }

    follow_ups = {row["name"]: row for row in response.context["follow_ups"]}
    assert set(follow_ups) == {"desk", "Unassigned"}
    assert (follow_ups["desk"]["overdue"], follow_ups["desk"]["this_week"]) == (1, 1)
    assert (follow_ups["Unassigned"]["overdue"], follow_ups["Unassigned"]["this_week"]) == (1, 0)

    assert [s.title for s in response.context["statements"]] == ["India-Japan briefing"]
    # The one open suggestion is matched to the other team's opportunity: not theirs to see.
    assert response.context["suggestion_count"] == 0
    source = response.context["sources"].get()
    assert (source.name, source.failure_count, source.failed_runs, source.last_status) == (
        "MEA briefings",
        2,
        1,
        "failed",
    )
    page = response.content.decode()
    # The chart carries its numbers for screen readers, and every chart has a table.
    assert "Opportunities by stage: Identified 2; Qualifying 0;" in page
    assert 'id="pipeline-table"' in page and 'id="matrix"' in page


def test_someone_who_may_see_all_gets_every_team(known, superuser, session_for):
    response = session_for(superuser).get(OVERVIEW)
    identified = stage_row(response, "identified")
    assert identified.count == 3
    assert identified.values == {"USD": Decimal("10000000")}
    assert response.context["matrix"].cells[("JP", "co-development")] == 3


def test_another_team_sees_only_its_own_figures(known, other_team, session_for):
    outsider = other_team.members.get()
    response = session_for(outsider).get(OVERVIEW)
    assert [(row.stage, row.count) for row in response.context["stages"] if row.count] == [
        ("identified", 1)
    ]
    assert response.context["matrix"].cells == {("JP", "co-development"): 1}
    assert [row["overdue"] for row in response.context["follow_ups"]] == [1]
    assert "Opportunity a" not in response.content.decode()


def test_team_and_owner_filters_narrow_the_figures(
    known, superuser, other_team, desk_staff, session_for
):
    client = session_for(superuser)
    response = client.get(OVERVIEW, {"team": other_team.pk})
    assert stage_row(response, "identified").count == 1
    response = client.get(OVERVIEW, {"owner": desk_staff.pk})
    assert [(row.stage, row.count) for row in response.context["stages"] if row.count] == [
        ("identified", 1)
    ]
    assert [row["name"] for row in response.context["follow_ups"]] == ["desk"]
    # The filters stick: every link on the page carries them.
    assert f"/dashboards/opportunities/?owner={desk_staff.pk}&amp;stage=identified" in (
        response.content.decode()
    )


def test_date_range_limits_by_creation_and_closing(known, team_lead, session_for):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = session_for(team_lead).get(OVERVIEW, {"since": tomorrow.isoformat()})
    assert sum(row.count for row in response.context["stages"]) == 0
    assert sum(row.won for row in response.context["months"]) == 0
    today = timezone.localdate().isoformat()
    response = session_for(team_lead).get(OVERVIEW, {"since": today, "until": today})
    assert sum(row.count for row in response.context["stages"]) == 5
    assert [(row.won, row.lost) for row in response.context["months"]] == [(1, 1)]


@pytest.mark.parametrize(
    "params",
    [
        {"since": "yesterday"},
        {"since": "2026-02-01", "until": "2026-01-01"},
        {"team": "abc"},
        {"owner": "99999999999999999999999999"},
        {"team": "1\x00"},
        {"until": "2026-13-45"},
    ],
)
def test_filters_that_do_not_parse_are_a_400(known, team_lead, session_for, params):
    response = session_for(team_lead).get(OVERVIEW, params)
    assert response.status_code == 400
    assert b"These filters are not understood" in response.content


def test_another_teams_filter_is_refused(known, team_lead, other_team, session_for):
    response = session_for(team_lead).get(OVERVIEW, {"team": other_team.pk})
    assert response.status_code == 400


def test_list_filters_that_do_not_parse_are_a_400(known, team_lead, session_for):
    client = session_for(team_lead)
    for params in [{"stage": "nope"}, {"country": "<b>"}, {"firm": "-1"}, {"due": "later"}]:
        url = "/dashboards/follow-ups/" if "due" in params else "/dashboards/opportunities/"
        assert client.get(url, params).status_code == 400, params


def test_chart_links_lead_to_the_lists_behind_the_numbers(
    known, team_lead, desk_staff, session_for
):
    client = session_for(team_lead)
    page = client.get(OVERVIEW).content.decode()
    links = set(re.findall(r'href="(/dashboards/[^"]+)"', page))
    assert "/dashboards/opportunities/?stage=identified" in links
    assert "/dashboards/opportunities/?country=JP&amp;area=co-development" in links

    def titles(url: str) -> set[str]:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        return {o.title for o in response.context["page"]}

    assert titles("/dashboards/opportunities/?stage=identified") == {
        "Opportunity a",
        "Opportunity b",
    }
    assert titles("/dashboards/opportunities/?country=JP&area=co-development") == {
        "Opportunity a",
        "Opportunity won",
    }
    month = timezone.localdate().replace(day=1).isoformat()
    won_link = f"/dashboards/opportunities/?stage=won&amp;closed_since={month}"
    won_link = next(link for link in links if link.startswith(won_link))
    assert titles(won_link) == {"Opportunity won"}
    assert titles(f"/dashboards/opportunities/?firm={known.firm.pk}") == set()
    assert "/dashboards/opportunities/?stage=proposal&amp;currency=INR" in links
    assert titles("/dashboards/opportunities/?stage=proposal&currency=INR") == {"Opportunity c"}
    assert titles("/dashboards/opportunities/?stage=proposal&currency=USD") == set()

    overdue = f"/dashboards/follow-ups/?due=overdue&amp;owner={desk_staff.pk}"
    assert overdue in links
    response = client.get(overdue.replace("&amp;", "&"))
    assert [f.opportunity.title for f in response.context["page"]] == ["Opportunity a"]
    response = client.get("/dashboards/follow-ups/", {"due": "overdue", "unassigned": "1"})
    assert [f.opportunity.title for f in response.context["page"]] == ["Opportunity c"]
    # Another team's follow-ups never show, even unfiltered.
    response = client.get("/dashboards/follow-ups/")
    assert "Opportunity other" not in response.content.decode()
    assert response.context["page"].paginator.count == 4


def test_statement_page_highlights_and_links_its_mentions(known, team_lead, session_for):
    response = session_for(team_lead).get(
        reverse("dashboards:statement", args=[known.statement.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        'India and <a class="mention mention-country" href="/dashboards/countries/JP/" '
        'title="Country: Japan">Japan</a> agreed on'
    ) in page
    assert f'href="/dashboards/firms/{known.firm.pk}/"' in page
    assert 'href="/dashboards/areas/co-development/"' in page
    assert '<a class="mention mention-policy" href="#policy-openings"' in page
    assert "Defence FDI opened to Japanese firms" in page
    # The suggestion matched the other team's opportunity: the lead is not told its title.
    assert "another team's opportunity" in page
    assert "Opportunity other" not in page
    assert [o.title for o in response.context["opportunities"]] == ["Opportunity a"]


def test_statement_page_names_the_matched_opportunity_to_those_who_may_see_it(
    known, superuser, session_for
):
    response = session_for(superuser).get(
        reverse("dashboards:statement", args=[known.statement.pk])
    )
    assert "Opportunity other" in response.content.decode()


def test_statement_text_and_title_are_escaped(known, team_lead, session_for):
    text = 'Japan <script>alert("x")</script> and <img src=x onerror=alert(1)>.'
    statement = StatementFactory(title="<script>alert('title')</script>", text=text)
    start = text.index("<script>")
    MentionFactory(
        statement=statement, country=known.japan, term="<script>", start=start, end=start + 8
    )
    MentionFactory(statement=statement, country=known.japan, term="x", start=999, end=1001)
    client = session_for(team_lead)
    page = client.get(reverse("dashboards:statement", args=[statement.pk])).content.decode()
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page
    assert 'title="Country: Japan">&lt;script&gt;</a>alert(&quot;x&quot;)&lt;/script&gt;' in page
    assert "&lt;img src=x onerror=alert(1)&gt;." in page
    overview = client.get(OVERVIEW).content.decode()
    assert "<script>" not in overview
    assert "&lt;script&gt;alert(&#x27;title&#x27;)" in overview


def test_country_firm_and_area_pages(known, team_lead, session_for):
    client = session_for(team_lead)
    response = client.get(reverse("dashboards:country", args=["jp"]))
    assert response.status_code == 200
    assert response.context["opportunity_total"] == 3
    assert [(row["label"], row["n"]) for row in response.context["by_stage"]] == [
        ("Identified", 2),
        ("Won", 1),
    ]
    assert [p.title for p in response.context["policy_openings"]] == [
        "Defence FDI opened to Japanese firms"
    ]
    assert response.context["statement_total"] == 1
    assert "Opportunity other" not in response.content.decode()
    # The statement count opens the admin's statement list filtered the same way.
    admin_list = client.get(response.context["statements_href"])
    assert admin_list.status_code == 200
    assert admin_list.context["cl"].result_count == 1

    response = client.get(reverse("dashboards:area", args=["co-development"]))
    assert response.context["opportunity_total"] == 3
    assert response.context["by_stage"][0]["href"] == (
        "/dashboards/opportunities/?stage=identified&area=co-development"
    )
    response = client.get(reverse("dashboards:firm", args=[known.firm.pk]))
    assert response.context["opportunity_total"] == 0
    assert response.context["statement_total"] == 1

    assert client.get(reverse("dashboards:country", args=["ZZ"])).status_code == 404
    assert client.get(reverse("dashboards:firm", args=[987654])).status_code == 404
    assert client.get(reverse("dashboards:statement", args=[987654])).status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/firms/99999999999999999999999/",
        "/dashboards/statements/9223372036854775808/",
        "/dashboards/countries/J%00/",
        "/dashboards/countries/JPN/",
        "/dashboards/areas/no-such-area/",
        "/dashboards/opportunities/?firm=99999999999999999999999",
        "/dashboards/opportunities/?country=J%00",
        "/dashboards/opportunities/?area=a%00b",
        "/dashboards/opportunities/?page=99999999999999999999",
    ],
)
def test_hostile_addresses_are_a_4xx_or_an_empty_page(known, team_lead, session_for, url):
    response = session_for(team_lead).get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


def test_admin_links_on_the_overview_open_filtered_admin_lists(known, team_lead, session_for):
    client = session_for(team_lead)
    page = client.get(OVERVIEW).content.decode()
    mentions = f"/admin/statements/mention/?statement__id__exact={known.statement.pk}"
    failed_runs = f"/admin/statements/importrun/?source__id__exact={known.source.pk}"
    suggestions = "/admin/opportunities/suggestion/?status__exact=open"
    # The suggestion is matched to the other team's opportunity: the list, like the overview,
    # leaves it out.
    for url, count in [(mentions, 4), (failed_runs + "&status__exact=failed", 1), (suggestions, 0)]:
        assert url.replace("&", "&amp;") in page
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.context["cl"].result_count == count, url


def test_statement_page_counts_its_publisher_among_the_parties(team_lead, session_for):
    """A Japanese ministry's note that names only India: Japan, its publisher, is a party too."""
    japan, india = CountryFactory(code="JP", name="Japan"), CountryFactory(code="IN", name="India")
    text = "The Minister held talks with the Defence Minister of India."
    statement = StatementFactory(source=SourceFactory(country=japan), text=text)
    statement.countries.add(india)
    start = text.index("India")
    MentionFactory(
        statement=statement,
        kind=Mention.Kind.COUNTRY,
        term="India",
        start=start,
        end=start + len("India"),
        country=india,
        role=Mention.Role.PARTY,
    )

    response = session_for(team_lead).get(reverse("dashboards:statement", args=[statement.pk]))

    assert [c.code for c in response.context["parties"]] == ["IN", "JP"]
    assert response.context["other_countries"] == []


def test_values_are_shown_in_the_reporting_currency_with_each_currencys_beside(
    known, team_lead, session_for
):
    ExchangeRate.objects.create(
        currency="USD", quote="INR", rate=Decimal("80"), on=timezone.localdate()
    )
    response = session_for(team_lead).get(OVERVIEW)
    assert response.context["currency"] == "USD"
    # Proposal: INR 5M at 80 to the dollar; identified: USD 3M as it is.
    assert stage_row(response, "proposal").reported == Decimal("62500.00")
    assert stage_row(response, "proposal").values == {"INR": Decimal("5000000")}
    assert stage_row(response, "identified").reported == Decimal("3000000.00")
    bars = {bar.label: bar.value for bar in response.context["value_chart"].bars}
    assert bars["Proposal"] == Decimal("62500.00")
    assert response.context["value_chart"].title == "Value by stage (USD)"
    html = response.content.decode()
    assert "INR 5,000,000" in html  # the per-currency detail beside
    listed = session_for(team_lead).get("/dashboards/opportunities/?stage=proposal")
    assert [reported for _, reported in listed.context["rows"]] == [Decimal("62500.00")]


def test_a_currency_without_a_rate_is_named_and_left_out(known, team_lead, session_for):
    response = session_for(team_lead).get(OVERVIEW)
    assert stage_row(response, "proposal").unconverted == ["INR"]
    assert stage_row(response, "proposal").reported == Decimal("0")
    assert "INR has no rate to USD" in response.content.decode()
