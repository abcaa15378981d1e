"""Admin list filters for work lists: next follow-up in a date range, stale work."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone


class NextFollowUpRangeFilter(admin.ListFilter):
    """Two date boxes: the soonest open follow-up is due before and/or after a day."""

    title = "next follow-up before / after"
    template = "admin/opportunities/next_follow_up_range_filter.html"
    parameters = ("next_before", "next_after")

    def __init__(self, request, params, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        self.values: dict[str, str] = {}
        for name in self.parameters:
            if name in params:
                value = params.pop(name)
                self.values[name] = (value[-1] if isinstance(value, list) else value).strip()

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return list(self.parameters)

    def _day(self, name: str) -> datetime.date | None:
        raw = self.values.get(name, "")
        if not raw:
            return None
        try:
            return datetime.date.fromisoformat(raw)
        except ValueError as error:
            # The admin answers this with its "?e=1" page: a clear refusal, never a 500.
            raise IncorrectLookupParameters(f"{name}: {raw!r} is not a YYYY-MM-DD date") from error

    def queryset(self, request, queryset):
        before, after = self._day("next_before"), self._day("next_after")
        if before is not None:
            queryset = queryset.next_follow_up_before(before)
        if after is not None:
            queryset = queryset.next_follow_up_after(after)
        return queryset

    def choices(self, changelist):
        others = [
            (name, value)
            for name, values in changelist.get_filters_params().items()
            if name not in self.parameters
            for value in (values if isinstance(values, list) else [values])
        ]
        yield {
            "before": self.values.get("next_before", ""),
            "after": self.values.get("next_after", ""),
            "hidden": others,
            "clear": changelist.get_query_string(remove=self.parameters),
            "active": bool(self.values),
        }


class StaleFilter(admin.SimpleListFilter):
    title = "activity"
    parameter_name = "stale"

    def lookups(self, request, model_admin):
        return [("yes", "Stale (quiet too long for its stage)"), ("no", "Active or closed")]

    def queryset(self, request, queryset):
        now = timezone.now()
        if self.value() == "yes":
            return queryset.stale(now)
        if self.value() == "no":
            return queryset.fresh(now)
        return queryset
