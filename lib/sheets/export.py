"""Lists as spreadsheets: `?format=csv` streams, `?format=xlsx` is written in constant memory.

An export reads `values_list()` tuples, never model instances, one chunk at a time; columns of
many-to-many labels (and other per-row figures) are loaded with one query per chunk. Every
text cell goes through `lib.sheets.safety.neutralise`, so nothing exported ever runs as a
formula; numbers and dates reach the writers as they are.
"""

from __future__ import annotations

import csv
import datetime
import decimal
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Expression, F, ManyToManyField, Min, Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from rest_framework import renderers

from .audit import Tally, tallied
from .safety import needs_neutralising, neutralise
from .xlsx import xlsx_file

CHUNK_SIZE = 2000
LIST_SEPARATOR = "; "
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


def _text(value: str) -> str:
    # Most cells are plain printable text: skip the regular expressions for them.
    if needs_neutralising(value):
        return neutralise(value)
    return value


def cell(value: Any, zone: datetime.tzinfo | None = None) -> Any:
    """A flat, formula-safe cell value (None: an empty cell)."""
    if type(value) is str:
        return _text(value)
    if value is None or type(value) in AS_WRITTEN:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(zone or timezone.get_current_timezone()).isoformat()
    if isinstance(value, list | tuple):
        return _text(LIST_SEPARATOR.join(str(item) for item in value))
    return _text(str(value))


# Cell values both writers put down unchanged, with nothing to neutralise (str(date) is ISO).
AS_WRITTEN = frozenset({int, float, decimal.Decimal, datetime.date})
_AS_WRITTEN_OR_NONE = AS_WRITTEN | {type(None)}
_TEXT_OR_NONE = frozenset({str, type(None)})


def sheet_rows(queryset: QuerySet[Any], spec: list[Column]) -> Iterator[Sequence[Any]]:
    """The header, then one flat, formula-safe row per row of `queryset`."""
    yield [column.header for column in spec]
    fields = [column.field for column in spec if column.field is not None]
    zone = timezone.get_current_timezone()
    memo: dict = {}
    chunk: list[tuple] = []
    for values in queryset.values_list("pk", *fields).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(values)
        if len(chunk) == CHUNK_SIZE:
            yield from _chunk_rows(chunk, spec, zone, memo)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, spec, zone, memo)


def _chunk_rows(
    chunk: list[tuple[Any, ...]],
    spec: list[Column],
    zone: datetime.tzinfo,
    memo: dict[Any, Any],
) -> Iterator[tuple[Any, ...]]:
    """The chunk's rows, made safe a column at a time: a column of numbers and dates is
    passed on as it is, a column of text gets one comprehension (per-cell calls showed at
    100,000 rows)."""
    ids = [values[0] for values in chunk]
    fetched = list(zip(*chunk, strict=True))
    position = 1
    flat = []
    loaded_by: dict[PerChunk, dict] = {}
    for column in spec:
        values: Sequence[Any]
        if column.field is not None:
            values = fetched[position]
            position += 1
        else:
            load = column.per_chunk
            assert load is not None, "a column reads a field or a per-chunk loader"
            if load not in loaded_by:
                loaded_by[load] = load(ids, memo)
            loaded = loaded_by[load]
            if column.part is None:
                values = [loaded.get(pk) for pk in ids]
            else:
                part = column.part
                values = [texts[part] if (texts := loaded.get(pk)) else None for pk in ids]
        flat.append(_flat(values, zone))
    return zip(*flat, strict=True)


def _flat(values, zone):
    kinds = set(map(type, values))
    if kinds <= _AS_WRITTEN_OR_NONE:
        return values
    if kinds <= _TEXT_OR_NONE:
        return [neutralise(value) if needs_neutralising(value) else value for value in values]
    return [cell(value, zone) for value in values]


class _Line:
    def write(self, value: str) -> str:
        return value


CSV_LINES_PER_WRITE = 500


def csv_lines(rows: Iterable[Sequence[Any]], tally: Tally | None = None) -> Iterator[str]:
    """The CSV text in pieces of a few hundred lines (a piece per line costs the response more
    than writing the line). With a `tally`, the data rows of each piece are counted once the
    server has written it (asked for the next), and the tally ends with the stream, complete
    or cut off: what an audit of the export logs."""
    writer = csv.writer(_Line())
    pending = ["\ufeff"]  # so Excel reads the file as UTF-8
    in_piece = -1  # data rows in `pending`; the first line is the header
    complete = False
    try:
        for row in rows:
            pending.append(writer.writerow(row))
            in_piece += 1
            if len(pending) >= CSV_LINES_PER_WRITE:
                yield "".join(pending)
                _count(tally, in_piece)
                in_piece, pending = 0, []
        yield "".join(pending)
        _count(tally, in_piece)
        complete = True
    finally:
        if tally is not None:
            tally.end(complete=complete)


def _count(tally: Tally | None, rows: int) -> None:
    if tally is not None and rows > 0:
        tally.add(rows)


def sheet_response(
    queryset: QuerySet[Any], spec: list[Column], fmt: str, name: str, tally: Tally | None = None
) -> StreamingHttpResponse | FileResponse:
    """The list as a CSV stream or an XLSX file; `tally` counts the rows sent (lib.sheets.audit)."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        lines = csv_lines(sheet_rows(queryset, spec), tally)
        response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    rows = tallied(sheet_rows(queryset, spec), tally)
    return FileResponse(
        xlsx_file(rows, name),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_TYPE,
    )


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through content negotiation; the list view streams the file."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return b""


class XLSXRenderer(renderers.BaseRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        return b""
