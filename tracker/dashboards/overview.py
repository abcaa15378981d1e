"""The overview's figures, shaped for its template: charts, tables and the link behind each
number. The figures themselves come from the selectors, aggregated by the database."""

from __future__ import annotations

import datetime
from calendar import monthrange
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from opportunities.models import Opportunity
from opportunities.money.rates import rates_on

from . import selectors, statement_feeds
from .charts import GREEN, VERMILLION, Bar, BarChart, Column, ColumnChart, Group, short_amount
from .charts import heat_level as level
from .filters import Scope
from .links import follow_up_link, opportunity_link


def overview_context(
    *, scope: Scope, today: datetime.date, now: datetime.datetime
) -> dict[str, object]:
    suggestion_count, suggestions = statement_feeds.open_suggestions(user=scope.user)
    return {
        "scope": scope,
        "today": today,
        **_pipeline(scope),
        **_won_and_lost(scope, today),
        **_countries_and_areas(scope),
        **_follow_ups(scope, today),
        "statements": statement_feeds.newest_statements(scope=scope),
        "story_count": statement_feeds.story_count(scope=scope),
        "suggestion_count": suggestion_count,
        "suggestions": suggestions,
        "sources": statement_feeds.source_health(now=now),
        "pipeline_href": opportunity_link(scope),
    }


def _pipeline(scope: Scope) -> dict[str, object]:
    """Opportunities and their value by stage, each bar and amount a link to its list."""
    stages = selectors.pipeline_by_stage(scope=scope)
    rates = rates_on()
    selectors.stages_report(stages, rates)
    currency = rates.reporting
    for row in stages:
        row.href = opportunity_link(scope, stage=row.stage)
        row.value_links = [
            (code, total, opportunity_link(scope, stage=row.stage, currency=code))
            for code, total in row.values.items()
        ]
    count_chart = BarChart(
        "Opportunities by stage",
        [Bar(row.label, row.count, str(row.count), row.href) for row in stages],
    )
    # Every currency with a rate, converted; the table beside gives each currency's own total.
    value_chart = BarChart(
        f"Value by stage ({currency})",
        [Bar(row.label, row.reported, short_amount(row.reported), row.href) for row in stages],
        colour="#E69F00",
    )
    unconverted = sorted({code for row in stages for code in row.unconverted})
    return {
        "stages": stages,
        "currency": currency,
        "rates": rates,
        "unconverted": unconverted,
        "reported_total": sum((row.reported for row in stages), start=Decimal(0)),
        "count_chart": count_chart,
        "value_chart": value_chart,
    }


def _won_and_lost(scope: Scope, today: datetime.date) -> dict[str, object]:
    months = selectors.won_lost_by_month(scope=scope, today=today)
    month_chart = ColumnChart(
        "Won and lost per month",
        [month_group(scope, row) for row in months],
        series=[("Won", GREEN), ("Lost", VERMILLION)],
    )
    return {"months": months, "month_chart": month_chart}


def _countries_and_areas(scope: Scope) -> dict[str, object]:
    """The country-by-area matrix and the bars beside it, each cell a link to its list."""
    matrix = selectors.country_area_matrix(scope=scope)
    home = settings.TRACKER_HOME_COUNTRY
    for country in matrix.countries:
        country["href"] = opportunity_link(scope, country=country["code"])
        country["page"] = reverse("dashboards:country", args=[country["code"]]) + scope.query()
        if country["code"] != home:
            pair = (home, country["code"])
            country["partnership"] = reverse("dashboards:partnership", args=pair) + scope.query()
    for area in matrix.areas:
        area["href"] = opportunity_link(scope, area=area["slug"])
        area["page"] = reverse("dashboards:area", args=[area["slug"]]) + scope.query()
    matrix_rows = [
        (
            country,
            [
                {
                    "n": n,
                    "level": level(n, matrix.peak),
                    "href": opportunity_link(scope, country=country["code"], area=area["slug"]),
                    "area": area["name"],
                }
                for area, n in cells
            ],
        )
        for country, cells in matrix.rows
    ]
    country_chart = BarChart(
        "Opportunities by partner country",
        [Bar(c["name"], c["n"], str(c["n"]), c["href"]) for c in matrix.countries],
    )
    area_chart = BarChart(
        "Opportunities by investment area",
        [Bar(a["name"], a["n"], str(a["n"]), a["href"]) for a in matrix.areas],
        colour="#009E73",
    )
    return {
        "matrix": matrix,
        "matrix_rows": matrix_rows,
        "country_chart": country_chart,
        "area_chart": area_chart,
    }


def _follow_ups(scope: Scope, today: datetime.date) -> dict[str, object]:
    follow_ups = selectors.follow_ups_by_owner(scope=scope, today=today)
    for row in follow_ups:
        who = {"owner": row["owner"]} if row["owner"] else {"owner": None, "unassigned": 1}
        row["overdue_href"] = follow_up_link(scope, due="overdue", **who)
        row["week_href"] = follow_up_link(scope, due="week", **who)
    return {
        "follow_ups": follow_ups,
        "overdue_href": follow_up_link(scope, due="overdue"),
        "week_href": follow_up_link(scope, due="week"),
    }


def month_group(scope: Scope, row: selectors.MonthRow) -> Group:
    last_day = row.month.replace(day=monthrange(row.month.year, row.month.month)[1])
    # The list shows what the bar counts: closed in that month, within the date range.
    closed = {
        "since": None,
        "until": None,
        "closed_since": max(row.month, scope.since or row.month).isoformat(),
        "closed_until": min(last_day, scope.until or last_day).isoformat(),
    }
    label = f"{row.month:%b %Y}"
    won_href = opportunity_link(scope, stage=Opportunity.Stage.WON, **closed)
    lost_href = opportunity_link(scope, stage=Opportunity.Stage.LOST, **closed)
    row.won_href, row.lost_href = won_href, lost_href
    return Group(
        f"{row.month:%b}",
        [
            Column(row.won, won_href, f"Won in {label}: {row.won}"),
            Column(row.lost, lost_href, f"Lost in {label}: {row.lost}"),
        ],
    )
