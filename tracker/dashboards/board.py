"""The pipeline board: one column per stage, a page of cards in each, for the dashboards'
filters. A fixed number of queries whatever the number of cards: the counts per stage in one
grouped query (of the tallies, when the filters are ones they cover), one query of cards per
stage that has any, and the cards' partner countries in one more."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, QuerySet, Sum, prefetch_related_objects

from opportunities.models import Opportunity
from opportunities.tallies.models import AreaTally, CountryTally, StageTally

from .filters import BoardFilterForm, Scope
from .links import opportunity_link

# A page of cards per column: the rest are a link away, in the filtered list. Rendering the
# cards is most of the board's time, so the page is kept short.
CARDS_PER_COLUMN = 20


@dataclass
class Column:
    stage: str
    label: str
    total: int = 0
    cards: list[Opportunity] = field(default_factory=list)
    more_href: str = ""

    @property
    def hidden(self) -> int:
        return self.total - len(self.cards)


def board_opportunities(
    *, scope: Scope, form: BoardFilterForm, today: datetime.date
) -> QuerySet[Opportunity]:
    return form.filter(scope.opportunities(), today)


def stage_totals(*, scope: Scope, form: BoardFilterForm, qs: QuerySet) -> dict[str, int]:
    """Cards per stage: from the tallies for a team, one country or one area; counted live
    for an owner, a date range, or a country and an area together (no tally has both)."""
    country, area = form.cleaned_data.get("country"), form.cleaned_data.get("area")
    if scope.tallied and not (country and area):
        if country:
            rows = scope.tallies(CountryTally).filter(country__code=country)
        elif area:
            rows = scope.tallies(AreaTally).filter(area__slug=area)
        else:
            rows = scope.tallies(StageTally)
        return dict(rows.values_list("stage").annotate(n=Sum("n")))
    return dict(qs.order_by().values_list("stage").annotate(n=Count("pk")))


def board_columns(
    *, scope: Scope, form: BoardFilterForm, today: datetime.date, per_column: int = CARDS_PER_COLUMN
) -> list[Column]:
    """Every stage in pipeline order, each with its total and its most recently changed cards."""
    qs = board_opportunities(scope=scope, form=form, today=today)
    totals = stage_totals(scope=scope, form=form, qs=qs)
    data = form.cleaned_data
    columns = []
    for stage, label in Opportunity.Stage.choices:
        column = Column(stage, label, totals.get(stage, 0))
        if column.total:
            # A query per stage that has cards, each reading a page by its index: a single
            # query ranking every card of every stage would read them all to keep a few.
            column.cards = list(
                qs.filter(stage=stage)
                .with_next_follow_up()
                .select_related("owner")
                .order_by("-updated_at", "-pk")[:per_column]
            )
        column.more_href = opportunity_link(
            scope, stage=stage, country=data.get("country") or None, area=data.get("area") or None
        )
        columns.append(column)
    prefetch_related_objects([card for column in columns for card in column.cards], "countries")
    return columns
