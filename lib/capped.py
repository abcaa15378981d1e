"""Lists that show a capped selection of their matches (statement search lists the newest
500): counting every match would cost what the cap saves, so such a list counts at most
cap + 1 of them, in the one count query any list makes, and says whether there were more.

`CappedCountQuerySet.counted_as(matches, cap)` marks a queryset so; `count()` then answers
at most `cap`, and `count_capped()` gives `(count, more_than_cap)`. Paginators that know of
it (`CappedPaginator`) report the flag; any other sees a count that is right for the rows it
can list. The mark survives chaining (filter, order_by, slicing), as a queryset's own state.
"""

from __future__ import annotations

from functools import cached_property
from typing import Self

from django.core.paginator import Paginator
from django.db import models


class CappedCountQuerySet(models.QuerySet):
    _count_matches: models.QuerySet | None = None
    _count_cap = 0

    def counted_as(self, matches: models.QuerySet, cap: int) -> Self:
        """This queryset lists at most `cap` of `matches`: count those, up to cap + 1."""
        clone = self.all()
        clone._count_matches, clone._count_cap = matches, cap
        return clone

    def _clone(self) -> Self:
        # Every chained queryset is a _clone(): the mark goes along with filters and slices.
        clone = super()._clone()  # type: ignore[misc]
        clone._count_matches, clone._count_cap = self._count_matches, self._count_cap
        return clone

    def count_capped(self) -> tuple[int, bool]:
        """(how many rows this lists, whether more matched than the cap): one query."""
        if self._count_matches is None:
            return super().count(), False
        # Only ids, unordered: the database stops at any cap + 1 matches it meets first, and
        # computes none of the list's annotations for them.
        found = self._count_matches.order_by().values("pk")[: self._count_cap + 1].count()
        return min(found, self._count_cap), found > self._count_cap

    def count(self) -> int:
        return self.count_capped()[0]


class CappedPaginator(Paginator):
    """Django's paginator, which also knows whether its list's count was capped."""

    @cached_property
    def count_and_capped(self) -> tuple[int, bool]:
        measure = getattr(self.object_list, "count_capped", None)
        if callable(measure):
            return measure()
        return super().count, False

    @cached_property
    def count(self) -> int:
        return self.count_and_capped[0]

    @property
    def count_is_capped(self) -> bool:
        return self.count_and_capped[1]
