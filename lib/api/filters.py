"""Filter building blocks every app's FilterSets share."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .fields import KeyParser, as_pk, key_q


def search_filter(*fields: str) -> django_filters.CharFilter:
    def search(queryset, name, value):
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)

    return django_filters.CharFilter(
        method=search, max_length=200, label="Free-text search: " + ", ".join(fields)
    )


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """ISO 8601 with a real-world offset (at most 14 hours): PostgreSQL refuses larger ones."""

    def filter(self, qs, value):
        offset = value.utcoffset() if value is not None else None
        if offset is not None and abs(offset) > datetime.timedelta(hours=14):
            raise serializers.ValidationError(
                {self.field_name: ["The time zone offset is out of range (at most ±14:00)."]}
            )
        return super().filter(qs, value)


def since_filter(field: str = "updated_at", label: str = "Changed at or after") -> DateTimeFilter:
    return DateTimeFilter(field_name=field, lookup_expr="gte", label=label)


@extend_schema_field({"type": "integer", "minimum": 1})
class IdFilter(django_filters.NumberFilter):
    """A whole-number id: `?story=0.5` or `?story=0` is a 400, as the schema says (NumberFilter
    would take any decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class FlagFilter(django_filters.ChoiceFilter):
    """true or false, anything else a 400 (django-filter's boolean quietly ignores a typo)."""


def flag_filter(method: str | None, label: str) -> FlagFilter:
    """Without a method it filters its own field by the boolean."""

    def by_flag(queryset, name, value):
        return queryset.filter(**{name: value == "true"})

    return FlagFilter(
        choices=[("true", "true"), ("false", "false")], method=method or by_flag, label=label
    )


def key_rows(queryset: QuerySet[Any], value: str, natural: KeyParser | None) -> list[int]:
    """The ids an id-or-key filter names; a malformed value is a 400. Resolved here, not as a
    subquery, so PostgreSQL plans with the actual id (its statistics know how common it is)."""
    q = key_q(value, natural)
    if q is None or as_pk(value) == -1:
        raise serializers.ValidationError({"filter": f"Not an id or key: {value!r}."})
    return list(queryset.filter(q).values_list("pk", flat=True)[:100])


def filter_by_key(
    queryset: QuerySet[Any],
    field: str,
    rows: QuerySet[Any],
    value: str,
    natural: KeyParser | None,
) -> QuerySet[Any]:
    """The rows of `queryset` whose `field` is one of the `rows` that `value` (an id or a
    natural key) names, each row once: through a many-to-many, a row linked to two of them
    (two firms of one name) would come twice by a join. One id stays a join, which
    PostgreSQL plans with that id's statistics."""
    ids = key_rows(rows, value, natural)
    relation = queryset.model._meta.get_field(field.split("__")[0])
    if len(ids) > 1 and relation.many_to_many:
        matching = queryset.model._base_manager.filter(**{f"{field}__in": ids}).values("pk")
        return queryset.filter(pk__in=matching)
    return queryset.filter(**{f"{field}__in": ids})


# Query parameters no FilterSet reads (the page, its order, the format, a `?key=` token).
NOT_FILTERS = frozenset({"page", "page_size", "ordering", "format", "key"})


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, spared when the query string names no filter: the FilterSet
    and its form (a field per filter) cost a tenth of a plain list request, to filter by
    nothing. No FilterSet here has a required filter or filters an empty value."""

    def filter_queryset(self, request: Any, queryset: QuerySet[Any], view: Any) -> QuerySet[Any]:
        if NOT_FILTERS.issuperset(request.query_params.keys()):
            return queryset
        return super().filter_queryset(request, queryset, view)
