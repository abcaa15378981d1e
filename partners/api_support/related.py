"""Related rows' ids and labels in the same query as the rows themselves.

A list of 100 opportunities with their countries, areas, firms and policy openings would take
one prefetch query per relation; `pairs()` folds each relation into a JSON array of
[id, label] computed by a correlated subquery, so a list is one query plus its count.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.db.models import (
    Aggregate,
    Expression,
    F,
    Field,
    Lookup,
    OuterRef,
    Subquery,
    TextField,
)
from django.db.models.fields.related import ForeignObject


class Ids:
    """Primary keys for `__any_of`. Not a list, so neither Django (resolving each element of
    a list) nor the driver (adapting each element) walks them: at 2,000 ids per export chunk
    those walks took longer than the query."""

    __slots__ = ("values",)

    def __init__(self, values: list[int]) -> None:
        self.values = values

    def sql_list(self) -> str:
        return ",".join(map(str, map(int, self.values)))


class Texts:
    """Text keys for `__any_of`: one array parameter on PostgreSQL, where an `IN` list of
    2,000 keys cost Django and the driver more than the query."""

    __slots__ = ("values",)

    def __init__(self, values: list[str]) -> None:
        self.values = values


class AnyOf(Lookup):
    """`field__any_of=Ids([...])`: one array literal on PostgreSQL (`= ANY('{1,2}')`), an
    `IN` list elsewhere; `Texts([...])` likewise, as one array parameter."""

    lookup_name = "any_of"
    prepare_rhs = False

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [value])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        if isinstance(self.rhs, PageIds):
            return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, self.rhs)
        if not self.rhs.values:
            return "1 = 0", []
        if isinstance(self.rhs, Texts):
            if connection.vendor == "postgresql":
                return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs.values))
            marks = ", ".join(["%s"] * len(self.rhs.values))
            return f"{lhs} IN ({marks})", (*lhs_params, *self.rhs.values)
        # Integers only (sql_list makes sure), so written into the statement: as a parameter,
        # the driver would quote a 14 KB string for every chunk.
        if connection.vendor == "postgresql":
            return f"{lhs} = ANY('{{{self.rhs.sql_list()}}}'::bigint[])", lhs_params
        return f"{lhs} IN ({self.rhs.sql_list()})", lhs_params


Field.register_lookup(AnyOf)
ForeignObject.register_lookup(AnyOf)


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


def _relation(model, field_name: str, labels) -> tuple:
    """The link rows of `model.<field_name>` correlated on the outer row, the link's column of
    the related id, and each label looked up by that id."""
    field = model._meta.get_field(field_name)
    source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
    related = field.related_model.objects.filter(pk=OuterRef(f"{target}_id"))
    # Each label looked up by id: joined instead, PostgreSQL hashed the whole related table
    # (249 countries) for every listed row, half of a page's query.
    label_expressions = [
        Subquery(
            related.values(label)
            if isinstance(label, str)
            else related.annotate(label=label).values("label"),
            output_field=TextField(),
        )
        for label in labels
    ]
    links = field.remote_field.through.objects.filter(**{source: OuterRef("pk")}).order_by()
    return links, source, F(f"{target}_id"), label_expressions


@cache
def pairs(model, field_name: str, *labels: str | Expression) -> Subquery:
    """Annotation: `[[id, label, ...], ...]` of `model.<field_name>` (a many-to-many) per row;
    several labels (a code and a name) come from the one subquery.

    Built once per relation and labels: building the subquery costs more than the list's own
    serialisation, and `annotate()` resolves a copy, so the one built is never changed. It
    keeps what it was built from (`relation`), for `grouped_lists`."""
    links, source, related_id, label_expressions = _relation(model, field_name, labels)
    rows = links.values(source).annotate(pairs=JsonPairs(related_id, *label_expressions))
    rows = rows.values("pairs")
    subquery = Subquery(rows, output_field=TextField())
    subquery.relation = (model, field_name, *labels)  # for `grouped_lists`
    return subquery


class SortedLists(Aggregate):
    """JSON `[[ids], [first labels], [second labels]...]` of the aggregated rows (PostgreSQL),
    each list in `parse_pairs`'s order: by the first label (code point), then by id; a
    missing label written as `str(None)` writes it."""

    output_field = TextField()

    def as_sql(self, compiler, connection, **extra):
        (id_sql, id_params), *labels = map(compiler.compile, self.source_expressions)
        labels = [(f"COALESCE(({sql})::text, 'None')", params) for sql, params in labels]
        order = f'{labels[0][0]} COLLATE "C", {id_sql}'
        order_params = [*labels[0][1], *id_params]
        lists, params = [], []
        for sql, item_params in [(id_sql, id_params), *labels]:
            lists.append(f"JSON_AGG({sql} ORDER BY {order})")
            params += [*item_params, *order_params]
        return f"JSON_BUILD_ARRAY({', '.join(lists)})", params


class PageIds:
    """Stands for the ids a statement is run with: `field__any_of=PAGE_IDS` compiles to
    `= ANY(%s::bigint[])` with this object as the parameter, to be swapped for them."""

    __slots__ = ()


PAGE_IDS = PageIds()


def named_labels(prefix: str, labels) -> dict[str, Expression]:
    """Each label (a field name or an expression of the related model) as `<prefix>0`,
    `<prefix>1`..."""
    return {
        f"{prefix}{n}": F(label) if isinstance(label, str) else label
        for n, label in enumerate(labels)
    }


def related_per_owner(field, labels: dict[str, Expression], owner: str, **owners):
    """The related rows of many-to-many `field` with `labels` annotated, of the owners
    `owners` picks (a lookup on the owner's pk, such as `in=` or `any_of=`; none: all), as
    values() grouped by the owner's pk (named `owner`): annotate the aggregates next."""
    name = field.related_query_name()
    return (
        field.related_model.objects.annotate(**labels)
        .filter(**{f"{name}__pk__{lookup}": value for lookup, value in owners.items()})
        .order_by()
        .values(**{owner: F(f"{name}__pk")})
    )


@cache
def grouped_lists(model, field_name: str, *labels: str | Expression):
    """One row per owner among PAGE_IDS (`json_owner`) with its related rows of
    `model.<field_name>` as the lists `SortedLists` writes (`json_lists`), the related table
    joined once for the whole page (PostgreSQL)."""
    names = named_labels("json_label_", labels)
    rows = related_per_owner(
        model._meta.get_field(field_name), names, "json_owner", any_of=PAGE_IDS
    )
    return rows.annotate(json_lists=SortedLists(F("pk"), *map(F, names)))


def parse_pairs(raw: Any) -> list[tuple]:
    """[(id, label, ...)] sorted by the first label, from what `pairs()` put on the row (None:
    no rows); the other labels stay beside theirs."""
    if raw is None:
        return []
    items = json.loads(raw) if isinstance(raw, str) else raw
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


def json_rows(queryset, group_by: str, **fields: str | Expression) -> Subquery:
    """Annotation: the rows of `queryset` (correlated on `group_by`) as a JSON array of
    arrays of `fields`, in the same query; read them back with `parse_rows`."""
    expressions = [F(value) if isinstance(value, str) else value for value in fields.values()]
    rows = queryset.order_by().values(group_by).annotate(rows=JsonPairs(*expressions))
    return Subquery(rows.values("rows"), output_field=TextField())


def parse_rows(raw: Any, names: list[str]) -> list[dict[str, Any]]:
    if raw is None:
        return []
    items = json.loads(raw) if isinstance(raw, str) else raw
    return [dict(zip(names, item, strict=True)) for item in items]
