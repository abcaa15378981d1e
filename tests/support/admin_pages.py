"""What the admin page tests of every app share: a row maker per model, the pages measured
and the check itself (tests/<app>/test_admin_pages.py).

Each page is measured twice, with 20 and with 200 rows of its model, so an N+1 (a query per row
shown, or per related object) shows up as a count that grows with the table, not just as a number
over budget.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.models import Team
from partners.models import Country, InvestmentArea
from statements.models import Source, Statement
from tests.opportunities.factories import TeamFactory
from tests.partners.factories import CountryFactory, InvestmentAreaFactory
from tests.statements.factories import SourceFactory, StatementFactory
from tests.tracker.factories import UserFactory

SMALL, LARGE = 20, 200
PAGES = ("changelist", "change", "add", "history")


def shared_japan() -> Country:
    return CountryFactory(code="JP")


def shared_team() -> Team:
    team = Team.objects.filter(name="Pages team").first()
    return team or TeamFactory(name="Pages team", members=[UserFactory(username="member")])


def shared_source() -> Source:
    return Source.objects.filter(name="Shared source").first() or SourceFactory(
        name="Shared source", country=shared_japan()
    )


def shared_statement() -> Statement:
    return Statement.objects.filter(title="Shared statement").first() or StatementFactory(
        title="Shared statement", source=shared_source()
    )


def shared_areas() -> list[InvestmentArea]:
    areas = list(InvestmentArea.objects.filter(slug__in=["shared-a", "shared-b"]))
    return areas or [
        InvestmentAreaFactory(name="Shared A", slug="shared-a"),
        InvestmentAreaFactory(name="Shared B", slug="shared-b"),
    ]


@dataclass(frozen=True)
class Rows:
    model: type[Model]
    add: Callable[[int], None]

    def __str__(self) -> str:
        return self.model._meta.model_name


def cases(rows: list[Rows]) -> list:
    return [pytest.param(each, page, id=f"{each}-{page}") for each in rows for page in PAGES]


def page_url(model: type[Model], page: str) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    if page in {"change", "history"}:
        return reverse(name, args=[model.objects.order_by("pk").first().pk])
    return reverse(name)


def page_check(
    rows: Rows,
    page: str,
    client,
    budgets: dict[type[Model], tuple[int, int, int, int]],
    add_refused: set[type[Model]],
    django_assert_max_num_queries,
) -> None:
    """The page renders (or refuses adding, by design) in its budget, at 20 rows as at 200."""
    expected_status = 403 if page == "add" and rows.model in add_refused else 200
    rows.add(SMALL)
    url = page_url(rows.model, page)
    client.get(url)  # warm the per-process caches (content types, templates)

    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == expected_status

    rows.add(LARGE - SMALL)
    assert rows.model.objects.count() >= LARGE
    budget = budgets[rows.model][PAGES.index(page)]
    with django_assert_max_num_queries(budget) as large:
        response = client.get(url)
    assert response.status_code == expected_status
    if page == "changelist":
        assert response.context["cl"].result_count == rows.model.objects.count()
    assert len(large) == len(small), "the page costs more queries with more rows"
