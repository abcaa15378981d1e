from __future__ import annotations

from django.conf import settings
from rest_framework import filters, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = settings.API_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = settings.API_MAX_PAGE_SIZE


class StableOrderingFilter(filters.OrderingFilter):
    """Any ordering ends with the primary key, so pages never skip or repeat a row that ties
    (what an incremental `updated_since` pull relies on)."""

    def get_ordering(self, request, queryset, view) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or queryset.query.order_by)
        if not any(term.lstrip("-") in ("pk", "id") for term in ordering):
            ordering.append("pk")
        return ordering

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))
