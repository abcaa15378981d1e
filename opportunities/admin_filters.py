"""Admin list filters for work lists: next follow-up in a date range, stale work."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.utils import timezone

from .models import FollowUp


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


class DueFilter(admin.SimpleListFilter):
    title = "due"
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("today", "Due today"),
            ("week", "Due in the next 7 days"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        open_follow_ups = queryset.filter(status=FollowUp.Status.OPEN)
        if self.value() == "overdue":
            return open_follow_ups.filter(due_date__lt=today)
        if self.value() == "today":
            return open_follow_ups.filter(due_date=today)
        if self.value() == "week":
            return open_follow_ups.filter(
                due_date__range=(today, today + datetime.timedelta(days=7))
            )
        return queryset


class MineFilter(admin.SimpleListFilter):
    title = "mine"
    parameter_name = "mine"

    def lookups(self, request, model_admin):
        return [("open", "My open follow-ups"), ("all", "All of mine")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(owner=request.user, status=FollowUp.Status.OPEN)
        if self.value() == "all":
            return queryset.filter(owner=request.user)
        return queryset


class NextFollowUpFilter(admin.SimpleListFilter):
    title = "next follow-up"
    parameter_name = "follow_up"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("week", "Due in the next 7 days"),
            ("none", "No follow-up set"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "overdue":
            return queryset.filter(next_follow_up__lt=today)
        if self.value() == "week":
            return queryset.filter(
                next_follow_up__range=(today, today + datetime.timedelta(days=7))
            )
        if self.value() == "none":
            return queryset.filter(next_follow_up__isnull=True)
        return queryset


class MyOpportunitiesFilter(admin.SimpleListFilter):
    title = "owner"
    parameter_name = "owned"

    def lookups(self, request, model_admin):
        return [("me", "Mine"), ("nobody", "Unassigned")]

    def queryset(self, request, queryset):
        if self.value() == "me":
            return queryset.filter(owner=request.user)
        if self.value() == "nobody":
            return queryset.filter(owner__isnull=True)
        return queryset
