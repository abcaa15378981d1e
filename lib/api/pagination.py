from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from rest_framework import exceptions, filters, pagination
from rest_framework.request import Request
from rest_framework.response import Response

from lib.capped import CappedPaginator


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


class CappedPageNumberPagination(PageNumberPagination):
    """Pages of a list whose count may be capped (lib/capped.py): `count_capped` says that
    more rows matched than the list shows, and `count` is then the cap."""

    django_paginator_class = CappedPaginator

    def get_paginated_response(self, data: Any) -> Response:
        response = super().get_paginated_response(data)
        found = dict(response.data)
        response.data = {
            "count": found.pop("count"),
            "count_capped": self.page.paginator.count_is_capped,  # type: ignore[union-attr]
            **found,
        }
        return response

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        found = super().get_paginated_response_schema(schema)
        properties = found["properties"]
        found["properties"] = {
            "count": properties.pop("count"),
            "count_capped": {
                "type": "boolean",
                "description": "More rows matched than the list shows: count is then its "
                "cap (see the list's description).",
                "example": False,
            },
            **properties,
        }
        found["required"] = [*found.get("required", []), "count_capped"]
        return found


class StableOrderingFilter(filters.OrderingFilter):
    """Any ordering ends with the primary key, so pages never skip or repeat a row that ties
    (what an incremental `updated_since` pull relies on)."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: Any) -> list[str]:
        ordering: list[Any] = list(
            super().get_ordering(request, queryset, view) or queryset.query.order_by
        )
        if not any(isinstance(term, str) and term.lstrip("-") in ("pk", "id") for term in ordering):
            # Same direction as the last term, so an index on (field, id) serves it both ways.
            descending = bool(ordering) and str(ordering[-1]).startswith("-")
            ordering.append("-pk" if descending else "pk")
        return ordering

    def filter_queryset(self, request, queryset, view):
        return queryset.order_by(*self.get_ordering(request, queryset, view))
