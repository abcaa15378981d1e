"""Sheets whose cells PostgreSQL formats: CSV written by the database (`COPY ... TO STDOUT`),
byte for byte what `sheets.csv_lines` writes from Python, and the rows of an XLSX export, cell
for cell what `sheets.sheet_rows` yields.

At 100,000 rows the Python path spent its time converting, neutralising and quoting cells one
by one; here the database formats every cell and joins each relation's labels in one grouped
query. Only columns this module can format in SQL qualify (text, numbers, dates, times,
booleans, `Labels` and `Soonest`); anything else, and every other database, goes through
Python. The tests compare the two paths on every list.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

from django.contrib.postgres.aggregates import StringAgg
from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import Expression, F, Min, QuerySet
from django.db.models.functions import Cast, Collate, RowNumber
from django.utils import timezone

from . import sheets
from .related import related_per_owner
from .sheets import CHUNK_SIZE, LIST_SEPARATOR, Column, Labels, Soonest

# partners.spreadsheets.neutralise in SQL: its FORMULA_TRIGGERS (but NUL, which PostgreSQL
# text cannot hold) and UNSTORABLE. TRANSLATE is slow (0.8 s per 100,000 cells here), so only a
# cell that holds such a character goes through it.
_TRIGGERS = r"('=', '+', '-', '@', E'\t', E'\r')"
_UNSTORABLE = r"E'[\x01-\x08\x0b\x0c\x0e-\x1f]'"
_UNSTORABLE_SET = "".join(f"\\x{code:02x}" for code in (*range(1, 9), 11, 12, *range(14, 32)))
_CLEAN = f"TRANSLATE({{v}}, E'{_UNSTORABLE_SET}', '')"
_TEXT = (
    f"CASE WHEN {{v}} ~ {_UNSTORABLE} THEN NULLIF(CASE WHEN LEFT({{v}}, 1) IN {_TRIGGERS} "
    f"OR LEFT({_CLEAN}, 1) IN {_TRIGGERS} THEN '''' || {_CLEAN} ELSE {_CLEAN} END, '') "
    f"WHEN LEFT({{v}}, 1) IN {_TRIGGERS} THEN '''' || {{v}} ELSE NULLIF({{v}}, '') END"
)
_BOOLEAN = "CASE WHEN {v} THEN 'true' WHEN NOT {v} THEN 'false' END"
# datetime.isoformat() in the export's time zone: microseconds only when there are some.
_OFFSET = "(({v} AT TIME ZONE '{zone}') - ({v} AT TIME ZONE 'UTC'))"
ISO_DATETIME = (
    "TO_CHAR({v} AT TIME ZONE '{zone}', 'YYYY-MM-DD\"T\"HH24:MI:SS') "
    "|| CASE WHEN TO_CHAR({v}, 'US') = '000000' THEN '' ELSE TO_CHAR({v}, '.US') END "
    f"|| CASE WHEN {_OFFSET} < INTERVAL '0' THEN '-' || TO_CHAR(-{_OFFSET}, 'HH24:MI') "
    f"ELSE '+' || TO_CHAR({_OFFSET}, 'HH24:MI') END"
)
_ZONE_NAME = re.compile(r"[A-Za-z0-9_/+\-]+")

_TEXT_FIELDS = (models.CharField, models.TextField)
# Written as PostgreSQL and Python both print them (a date's ISO form; numbers as stored).
_AS_STORED = (models.IntegerField, models.DecimalField, models.DateField)


class Repeated(Expression):
    """`template` with `{v}` standing for the wrapped expression, as often as it needs (its
    parameters repeated to match)."""

    def __init__(self, expression, template: str, output_field) -> None:
        super().__init__(output_field=output_field)
        self.expression, self.template = expression, template

    def get_source_expressions(self):
        return [self.expression]

    def set_source_expressions(self, expressions) -> None:
        (self.expression,) = expressions

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.expression)
        return self.template.replace("{v}", f"({sql})"), tuple(params) * self.template.count("{v}")


def _cell(expression, field, zone_name: str) -> Expression | None:
    """The SQL for one exported cell of `field`'s type, or None if only Python can write it."""
    if isinstance(field, models.DateTimeField):
        return Repeated(expression, ISO_DATETIME.replace("{zone}", zone_name), models.TextField())
    if isinstance(field, _AS_STORED):
        return expression
    if isinstance(field, models.BooleanField):
        return Repeated(expression, _BOOLEAN, models.TextField())
    if isinstance(field, _TEXT_FIELDS):
        return Repeated(expression, _TEXT, models.TextField())
    return None


def sql_zone_name(zone: datetime.tzinfo) -> str | None:
    """The zone's name for `AT TIME ZONE '...'`, or None if it has none safe to write there."""
    if zone is datetime.UTC:
        return "UTC"
    name = getattr(zone, "key", None)
    return name if name and _ZONE_NAME.fullmatch(name) else None


def _grouped_labels(loader: Labels, owners: QuerySet | None) -> QuerySet:
    """One row per owner: its labels joined as `Labels` joins them, sorted by code point."""
    picked = {} if owners is None else {"in": owners}
    rows = related_per_owner(loader.field, loader.expressions, "sheet_owner", **picked)
    order = [Collate(Cast(name, models.TextField()), "C") for name in loader.expressions]
    return rows.annotate(
        **{
            f"sheet_value_{n}": StringAgg(
                Cast(name, models.TextField()), LIST_SEPARATOR, order_by=order
            )
            for n, name in enumerate(loader.expressions)
        }
    )


def sheet_select(queryset: QuerySet, spec: list[Column], zone) -> tuple[str, list] | None:
    """The SELECT of `spec`'s cells for the rows of `queryset`, in its order, or None if SQL
    cannot write one of them."""
    zone_name = sql_zone_name(zone)
    if zone_name is None or queryset.query.distinct or queryset.query.is_sliced:
        return None
    paths = [column.field for column in spec if column.field is not None]
    probe = queryset.values_list(*paths).query
    if probe.annotation_select or len(probe.select) != len(paths):
        return None  # a column that is an annotation: only Python knows its type
    field_of = {path: _stored(col.target) for path, col in zip(paths, probe.select, strict=True)}
    # The rows the export reads: with no condition, every row, and then no need to say so.
    owners = queryset.order_by().values("pk") if queryset.query.where else None
    cells: dict[str, Expression] = {}
    outer: list[str] = []
    joins: dict[object, tuple[str, QuerySet]] = {}
    for number, column in enumerate(spec):
        if column.field is not None:
            made = _cell(F(column.field), field_of[column.field], zone_name)
            if made is None:
                return None
            cells[f"sheet_cell_{number}"] = made
            outer.append(f'r."sheet_cell_{number}"')
            continue
        loader = column.per_chunk
        if loader not in joins:
            grouped = _grouped(loader, owners)
            if grouped is None:
                return None
            joins[loader] = (f"j{len(joins)}", grouped)
        value = f'{joins[loader][0]}."sheet_value_{column.part or 0}"'
        outer.append(_TEXT.replace("{v}", value) if isinstance(loader, Labels) else value)
    ordering = list(queryset.query.order_by or queryset.model._meta.ordering or ["pk"])
    rows = (
        queryset.order_by()
        .annotate(
            sheet_pk=F("pk"),
            **cells,
            sheet_position=models.Window(RowNumber(), order_by=ordering),
        )
        .values_list("sheet_pk", *cells, "sheet_position")
    )
    try:
        rows_sql, rows_params = rows.query.sql_with_params()
        sql, params = f"SELECT {', '.join(outer)} FROM ({rows_sql}) r", list(rows_params)
        for alias, grouped in joins.values():
            grouped_sql, grouped_params = grouped.query.sql_with_params()
            sql += f' LEFT JOIN ({grouped_sql}) {alias} ON {alias}."sheet_owner" = r."sheet_pk"'
            params += grouped_params
    except EmptyResultSet:  # a filter that matches nothing: Python writes the lone header
        return None
    return f'{sql} ORDER BY r."sheet_position"', params


def _stored(field):
    """The field whose values a column holds (a foreign key holds its target's)."""
    return field.target_field if field.is_relation else field


def _grouped(loader, owners: QuerySet | None) -> QuerySet | None:
    """A query of one row per owner (`sheet_owner`) with what `loader` loads for it."""
    if isinstance(loader, Labels):
        return _grouped_labels(loader, owners)
    if isinstance(loader, Soonest):
        value = loader.queryset.model._meta.get_field(loader.value)
        if isinstance(value, models.DateTimeField) or not isinstance(value, _AS_STORED):
            return None
        rows = loader.queryset
        if owners is not None:
            rows = rows.filter(**{f"{loader.key}__in": owners})
        return (
            rows.order_by()
            .values(sheet_owner=F(loader.key))
            .annotate(sheet_value_0=Min(loader.value))
        )
    return None


def _select(queryset: QuerySet, spec: list[Column]):
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None, None
    return connection, sheet_select(queryset, spec, timezone.get_current_timezone())


def csv_lines(queryset: QuerySet, spec: list[Column]) -> Iterator[bytes] | None:
    """The export as CSV from PostgreSQL, or None where `sheets.csv_lines` must write it."""
    connection, select = _select(queryset, spec)
    if select is None:
        return None
    sql, params = select
    return _copied(connection, f"COPY ({sql}) TO STDOUT (FORMAT csv)", params, spec)


def sheet_rows(queryset: QuerySet, spec: list[Column]) -> Iterator[tuple] | None:
    """The header, then the rows with every cell ready for the XLSX writer, or None where
    `sheets.sheet_rows` must read them."""
    connection, select = _select(queryset, spec)
    if select is None:
        return None
    return _fetched(connection, *select, spec)


def _fetched(connection, sql: str, params: list, spec: list[Column]) -> Iterator[tuple]:
    yield [column.header for column in spec]
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK_SIZE):
            yield from rows


LINES_PER_WRITE = 500


def _copied(connection, sql: str, params: list, spec: list[Column]) -> Iterator[bytes]:
    yield "".join(sheets.csv_lines([[column.header for column in spec]])).encode()  # BOM too
    with connection.cursor() as cursor, cursor.cursor.copy(sql, params) as copy:
        pending = []
        # One row per message: its closing "\n" becomes the "\r\n" Python's csv writes (a
        # line break inside a quoted cell stays as it is, as there).
        for row in copy:
            pending.append(row[:-1])
            if len(pending) == LINES_PER_WRITE:
                yield b"\r\n".join(pending) + b"\r\n"
                pending = []
        if pending:
            yield b"\r\n".join(pending) + b"\r\n"
