"""Every admin page of the partners app renders for a superuser in a fixed number of queries
(the check: tests/support/admin_pages.py)."""

from __future__ import annotations

import pycountry
import pytest
from django.db.models import Model
from django.utils import timezone

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening, Term
from tests.partners.factories import (
    ContactFactory,
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
    PolicyOpeningFactory,
)
from tests.support.admin_pages import Rows, cases, page_check, shared_areas

ADD_REFUSED: set[type[Model]] = set()


def add_countries(count: int) -> None:
    taken = set(Country.objects.values_list("code", flat=True))
    fresh = [
        c for c in sorted(pycountry.countries, key=lambda c: c.alpha_2) if c.alpha_2 not in taken
    ]
    for country in fresh[:count]:
        CountryFactory(
            code=country.alpha_2,
            alpha_3=country.alpha_3,
            name=country.name,
            official_name=getattr(country, "official_name", ""),
            demonyms=[f"{country.name}ish"],
        )


def add_areas(count: int) -> None:
    parent = shared_areas()[0]
    InvestmentAreaFactory.create_batch(count, parent=parent)


def add_firms(count: int) -> None:
    areas = shared_areas()
    for firm in FirmFactory.create_batch(count):
        firm.areas.add(*areas)


def add_contacts(count: int) -> None:
    ContactFactory.create_batch(count)


def add_policy_openings(count: int) -> None:
    areas = shared_areas()
    for opening in PolicyOpeningFactory.create_batch(count, effective_date=timezone.localdate()):
        opening.areas.add(*areas)


def add_terms(count: int) -> None:
    start = Term.objects.count()
    Term.objects.bulk_create(
        Term(kind=Term.Kind.PLACE, phrase=f"Place {start + n}") for n in range(count)
    )


ROWS = [
    Rows(Country, add_countries),
    Rows(InvestmentArea, add_areas),
    Rows(Firm, add_firms),
    Rows(Contact, add_contacts),
    Rows(PolicyOpening, add_policy_openings),
    Rows(Term, add_terms),
]

# Most queries each page may take: what it measured at 200 rows (the same on SQLite and
# PostgreSQL), plus two. The count includes the session and user look-ups and the savepoints of
# ATOMIC_REQUESTS.
BUDGETS: dict[type[Model], tuple[int, int, int, int]] = {
    # model: (changelist, change, add, history)
    Country: (9, 7, 6, 9),
    InvestmentArea: (10, 7, 6, 9),
    Firm: (12, 10, 6, 15),
    Contact: (10, 9, 6, 9),
    PolicyOpening: (12, 10, 6, 15),
    Term: (9, 7, 6, 8),
}


@pytest.mark.parametrize(("rows", "page"), cases(ROWS))
def test_admin_page_renders_in_a_query_budget_that_does_not_grow_with_rows(
    rows: Rows, page: str, superuser, session_for, django_assert_max_num_queries
) -> None:
    page_check(
        rows, page, session_for(superuser), BUDGETS, ADD_REFUSED, django_assert_max_num_queries
    )
