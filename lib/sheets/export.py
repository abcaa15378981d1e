"""Lists as spreadsheets: `?format=csv` streams, `?format=xlsx` is written in constant memory.

An export reads `values_list()` tuples, never model instances, one chunk at a time; columns of
many-to-many labels (and other per-row figures) are loaded with one query per chunk
(columns.py). Every
text cell goes through `lib.sheets.safety.neutralise`, so nothing exported ever runs as a
formula; numbers and dates reach the writers as they are.
"""

from __future__ import annotations

import csv
import datetime
import decimal
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from rest_framework import renderers

from .audit import Tally, tallied
from .columns import LIST_SEPARATOR, Column, PerChunk
from .safety import needs_neutralising, neutralise
from .xlsx import xlsx_file

CHUNK_SIZE = 2000
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
