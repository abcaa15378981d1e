"""CompiledSubquery: the SQL of a plain Subquery, built once per outer shape, right in every
place a correlated subquery goes (select, filter, count, a query nested in another)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import OuterRef, Subquery, TextField

from lib.api.related import pairs
from lib.compiled import CompiledSubquery
from opportunities.models import FollowUp, Opportunity
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 2)


def soonest(compiled: bool):
    rows = FollowUp.objects.filter(
        opportunity=OuterRef("pk"),
        status=FollowUp.Status.OPEN,
    )
    rows = rows.order_by("due_date").values("due_date")[:1]
    return CompiledSubquery(rows) if compiled else Subquery(rows)


def sql_of(queryset) -> str:
    return str(queryset.query)


def test_same_sql_as_a_plain_subquery(team):
    plain = Opportunity.objects.annotate(next_due=soonest(False)).order_by("pk")
    compiled = Opportunity.objects.annotate(next_due=soonest(True)).order_by("pk")
    assert sql_of(compiled) == sql_of(plain)


def test_compiled_once_per_outer_shape_and_reused(team):
    expression = soonest(True)
    first = Opportunity.objects.annotate(next_due=expression)
    again = Opportunity.objects.annotate(next_due=expression).filter(stage="engaged")
    sql_of(first)
    assert len(expression._compiled) == 1
    sql_of(again)  # another filter, same outer shape: the SQL kept is used
    assert len(expression._compiled) == 1
    plain = Opportunity.objects.annotate(next_due=soonest(False)).filter(stage="engaged")
    assert sql_of(again) == sql_of(plain)


def test_values_right_in_select_filter_count_and_nested(team):
    early, late, none = (OpportunityFactory(team=team) for _ in range(3))
    FollowUpFactory(opportunity=early, due_date=TODAY, status=FollowUp.Status.OPEN)
    FollowUpFactory(opportunity=late, due_date=TODAY + datetime.timedelta(days=9))
    FollowUpFactory(opportunity=none, due_date=TODAY, status=FollowUp.Status.CANCELLED)
    expression = soonest(True)
    listed = Opportunity.objects.annotate(next_due=expression)
    assert {o.pk: o.next_due for o in listed} == {
        early.pk: TODAY,
        late.pk: TODAY + datetime.timedelta(days=9),
        none.pk: None,
    }
    before = listed.filter(next_due__lt=TODAY + datetime.timedelta(days=1))
    assert [o.pk for o in before] == [early.pk]
    assert before.count() == 1
    assert listed.order_by("next_due", "pk").count() == 3
    # Inside another query, where the outer table gets another alias.
    nested = Opportunity.objects.filter(pk__in=before.values("pk"))
    assert [o.pk for o in nested] == [early.pk]


def test_pairs_shared_across_requests_are_compiled_subqueries():
    built = pairs(Opportunity, "countries", "code", "name")
    assert isinstance(built, CompiledSubquery)
    assert built is pairs(Opportunity, "countries", "code", "name")
    assert isinstance(built.output_field, TextField)
