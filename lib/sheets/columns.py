"""An export's columns: a field, or a loader that reads a figure for a whole chunk of rows at
once (a many-to-many's labels, the soonest of related dates) in one query per chunk."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Expression, F, ManyToManyField, Min, Model, QuerySet

LIST_SEPARATOR = "; "

# Values for a chunk of rows, by primary key (a row missing from the result gets an empty cell);
# the dict is the export's own, for what a loader reads once per export.
PerChunk = Callable[[list[int], dict[Any, Any]], dict[int, Any]]


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None = None  # a values() path, e.g. "team__name"
    per_chunk: PerChunk | None = None
    part: int | None = None  # which of the loader's values, when it loads several per row


def columns(*specs: str | tuple) -> list[Column]:
    """Columns from field names, (header, values() path), (header, per-chunk loader) or
    (header, loader, part) for one of the values a loader reads for several columns."""
    made = []
    for spec in specs:
        if isinstance(spec, str):
            made.append(Column(spec, field=spec))
        elif isinstance(spec[1], str):
            made.append(Column(spec[0], field=spec[1]))
        else:
            made.append(Column(spec[0], per_chunk=spec[1], part=(spec[2:] or (None,))[0]))
    return made


def named_labels(prefix: str, labels: Iterable[str | Expression]) -> dict[str, Expression]:
    """Each label (a field name or an expression of the related model) as `<prefix>0`,
    `<prefix>1`..."""
    return {
        f"{prefix}{n}": F(label) if isinstance(label, str) else label  # type: ignore[misc]
        for n, label in enumerate(labels)
    }


class Labels:
    """Loader of a many-to-many's labels ("JP; US") for a chunk of `model` rows, sorted; with
    several labels (code and name), a tuple of them per row, each list in the first one's
    order (as the API lists names beside their ids). Labels are fields or expressions of the
    related model.

    The related table's labels are read once per export (a table of countries, areas or
    firms, whatever the export's size), so each chunk only reads its link rows' ids: joining
    the related table in every chunk's query took twice as long."""

    def __init__(self, model: type[Model], field_name: str, *label_names: str | Expression) -> None:
        field = model._meta.get_field(field_name)
        assert isinstance(field, ManyToManyField), f"{field_name} is not a many-to-many"
        self.field = field
        self.expressions = named_labels("sheet_label_", label_names)
        self.width = len(self.expressions)

    def _labels_of_related(self) -> dict[int, Any]:
        rows = self.field.related_model._default_manager.annotate(**self.expressions).values_list(
            "pk", *self.expressions
        )
        if self.width == 1:
            return {pk: str(text) for pk, text in rows}
        return {row[0]: tuple(map(str, row[1:])) for row in rows}

    def __call__(self, ids: list[int], memo: dict) -> dict[int, Any]:
        if self not in memo:
            memo[self] = self._labels_of_related()
        label_of = memo[self]
        source, target = self.field.m2m_field_name(), self.field.m2m_reverse_field_name()
        found: dict[int, list[int]] = {}
        through: Any = self.field.remote_field.through  # always set on a many-to-many
        links = of_ids(through._default_manager.all(), f"{source}_id", ids).values_list(
            f"{source}_id", f"{target}_id"
        )
        for owner_id, target_id in links:
            if target_id in label_of:  # not one added since the export began
                found.setdefault(owner_id, []).append(target_id)
        joined = {}
        for pk, targets in found.items():
            if len(targets) == 1:  # most rows: nothing to sort or join
                joined[pk] = label_of[targets[0]]
                continue
            texts = sorted(label_of[target_id] for target_id in targets)
            if self.width == 1:
                joined[pk] = LIST_SEPARATOR.join(texts)
            else:
                joined[pk] = tuple(
                    LIST_SEPARATOR.join([row[part] for row in texts]) for part in range(self.width)
                )
        return joined


def of_ids(queryset: QuerySet, field_name: str, ids: list[int]) -> QuerySet:
    """`queryset` narrowed to rows whose integer column `field_name` (a field of its own model,
    such as "opportunity_id") is one of `ids`. The ids are written into the statement, not
    passed as 2,000 parameters each chunk: Django's and the driver's handling of a parameter
    list that long cost more than the query itself."""
    if not ids:
        return queryset.none()
    model = queryset.model
    column = model._meta.get_field(field_name).column
    table = connection.ops.quote_name(model._meta.db_table)
    listed = ",".join(str(int(pk)) for pk in ids)
    return queryset.extra(where=[f"{table}.{connection.ops.quote_name(column)} IN ({listed})"])


class Soonest:
    """Loader of the smallest `value` of `queryset`'s rows per `key` (e.g. the next due date)."""

    def __init__(self, queryset: QuerySet, key: str, value: str) -> None:
        self.queryset, self.key, self.value = queryset, key, value

    def __call__(self, ids: list[int], memo: dict) -> dict[int, Any]:
        return dict(
            of_ids(self.queryset, self.key, ids)
            .order_by()
            .values(self.key)
            .annotate(first=Min(self.value))
            .values_list(self.key, "first")
        )
