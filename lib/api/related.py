"""Related rows' ids and labels in the same query as the rows themselves.

A list of 100 opportunities with their countries, areas, firms and policy openings would take
one prefetch query per relation; `pairs()` folds each relation into a JSON array of
[id, label] computed by a correlated subquery, so a list is one query plus its count.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import orjson
from django.db.models import (
    Aggregate,
    Expression,
    F,
    ManyToManyField,
    Model,
    OuterRef,
    QuerySet,
    Subquery,
    TextField,
)

from lib.compiled import CompiledSubquery


class JsonPairs(Aggregate):
    """JSON text `[[id, label], ...]` of the aggregated rows (SQLite and PostgreSQL)."""

    function = "JSON_GROUP_ARRAY"
    template = "%(function)s(JSON_ARRAY(%(expressions)s))"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            function="JSON_AGG",
            template="CAST(%(function)s(JSON_BUILD_ARRAY(%(expressions)s)) AS TEXT)",
            **extra,
        )


def _relation(
    model: type[Model], field_name: str, labels: tuple[str | Expression, ...]
) -> tuple[Any, ...]:
    """The link rows of `model.<field_name>` correlated on the outer row, the link's column of
    the related id, and each label looked up by that id."""
    field = model._meta.get_field(field_name)
    assert isinstance(field, ManyToManyField), f"{field_name} is not a many-to-many"
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    # Each label looked up by id: joined instead, PostgreSQL hashed the whole related table
    # (249 countries) for every listed row, half of a page's query. One row by its key needs
    # no order: the model's own (a policy opening's joins its country) was a sort, and a
    # join, per label of every listed row (a seventh of a page of 50's query on PostgreSQL).
    related = field.related_model._default_manager.filter(pk=OuterRef(f"{target}_id")).order_by()
    label_expressions = [
        Subquery(
            related.values(label)
            if isinstance(label, str)
            else related.annotate(label=label).values("label"),
            output_field=TextField(),
        )
        for label in labels
    ]
    through: Any = field.remote_field.through  # always set on a many-to-many
    links = through._default_manager.filter(**{source: OuterRef("pk")}).order_by()
    return links, source, F(f"{target}_id"), label_expressions


@cache
def pairs(model: type[Model], field_name: str, *labels: str | Expression) -> Subquery:
    """Annotation: `[[id, label, ...], ...]` of `model.<field_name>` (a many-to-many) per row;
    several labels (a code and a name) come from the one subquery.

    Built once per relation and labels, and compiled once per shape of the outer query
    (`CompiledSubquery`): building and compiling it cost more than the list's own
    serialisation."""
    links_rows = _pairs_rows(model, field_name, labels)
    return CompiledSubquery(links_rows, output_field=TextField())


def pairs_among(
    model: type[Model], field_name: str, among: QuerySet[Any], *labels: str | Expression
) -> Subquery:
    """`pairs()` of only the related rows in `among` (those the reader may see, such as
    `Statement.objects.visible_to(user)`). Built per call, not cached: `among` is the
    reader's own; a reader who may see every row gets the shared `pairs()`."""
    if not among.query.has_filters():
        return pairs(model, field_name, *labels)
    return Subquery(_pairs_rows(model, field_name, labels, among), output_field=TextField())


def _pairs_rows(
    model: type[Model],
    field_name: str,
    labels: tuple[str | Expression, ...],
    among: QuerySet[Any] | None = None,
) -> QuerySet[Any]:
    links, source, related_id, label_expressions = _relation(model, field_name, labels)
    if among is not None:
        links = links.filter(**{f"{related_id.name}__in": among.values("pk")})
    rows = links.values(source).annotate(pairs=JsonPairs(related_id, *label_expressions))
    return rows.values("pairs")


def parse_pairs(raw: Any) -> list[tuple]:
    """[(id, label, ...)] sorted by the first label, from what `pairs()` put on the row (None:
    no rows); the other labels stay beside theirs."""
    if raw is None:
        return []
    # orjson: json.loads of three pair columns was a tenth of a page of 100's time.
    items = orjson.loads(raw) if isinstance(raw, str) else raw
    parsed = [(int(item[0]), *map(str, item[1:])) for item in items]
    parsed.sort(key=lambda p: (p[1], p[0]))
    return parsed


def pairs_of(obj: Any, attr: str) -> list[tuple]:
    """`parse_pairs` of `obj.<attr>`, parsed once per row: the ids field and the names field
    of a relation read the same annotation."""
    parsed = obj.__dict__.setdefault("_parsed_pairs", {})
    if attr not in parsed:
        parsed[attr] = parse_pairs(getattr(obj, attr, None))
    return parsed[attr]


def json_rows(queryset: QuerySet[Any], group_by: str, **fields: str | Expression) -> Subquery:
    """Annotation: the rows of `queryset` (correlated on `group_by`) as a JSON array of
    arrays of `fields`, in the same query; read them back with `parse_rows`."""
    expressions = [F(value) if isinstance(value, str) else value for value in fields.values()]
    rows = queryset.order_by().values(group_by).annotate(rows=JsonPairs(*expressions))
    return Subquery(rows.values("rows"), output_field=TextField())


def parse_rows(raw: Any, names: list[str]) -> list[dict[str, Any]]:
    if raw is None:
        return []
    items = orjson.loads(raw) if isinstance(raw, str) else raw
    return [dict(zip(names, item, strict=True)) for item in items]
