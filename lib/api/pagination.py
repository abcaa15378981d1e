from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework import exceptions, filters, pagination
from rest_framework.request import Request


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # DRF would quietly fall back to the default; a typo should be told.
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 18 or int(raw) < 1:
            raise exceptions.ValidationError(
                {self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return min(int(raw), self.max_page_size)

    def check_unpaged(self, request: Request) -> None:
        """For an export, which is the whole list: refuse what a page would refuse (a bad
        `page_size`, a `page` that is no whole number), so a typo is told either way."""
        self.get_page_size(request)
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and raw not in self.last_page_strings:
            try:
                int(raw)
            except ValueError:
                raise exceptions.NotFound(
                    self.invalid_page_message.format(page_number=raw, message="")
                ) from None


class StableOrderingFilter(filters.OrderingFilter):
    """Any ordering ends with the primary key, so pages never skip or repeat a row that ties
    (what an incremental `updated_since` pull relies on)."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        ordering: list[Any] = list(
            super().get_ordering(request, queryset, view) or queryset.query.order_by
        )
        if not any(term.lstrip("-") in ("pk", "id") for term in ordering):
            # Same direction as the last term, so an index on (field, id) serves it both ways.
            descending = bool(ordering) and str(ordering[-1]).startswith("-")
            ordering.append("-pk" if descending else "pk")
        return ordering

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))
