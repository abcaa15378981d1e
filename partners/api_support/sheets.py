"""Lists as spreadsheets: `?format=csv` streams, `?format=xlsx` is written in constant memory.

Every cell goes through `partners.spreadsheets.neutralise`, and strings are stored in XLSX as
text cells, so nothing exported ever runs as a formula.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import operator
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from rest_framework import renderers

from ..spreadsheets import FORMULA_TRIGGERS, neutralise
from .related import parse_pairs

CHUNK_SIZE = 2000
LIST_SEPARATOR = "; "
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_CELL_LIMIT = 32767  # characters Excel holds in a cell


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[Model], Any]


def attr(path: str) -> Callable[[Model], Any]:
    """Read `a.b.c` from a row; None anywhere along the way gives None."""
    if "." not in path:
        return operator.attrgetter(path)
    parts = path.split(".")

    def get(obj: Model) -> Any:
        value: Any = obj
        for part in parts:
            if value is None:
                return None
            value = getattr(value, part)
        return value

    return get


def labels(pairs_attr: str) -> Callable[[Model], list[str]]:
    """The labels of a `pairs()` annotation, e.g. country codes."""
    return lambda obj: [label for _, label in parse_pairs(getattr(obj, pairs_attr))]


def columns(*specs: str | tuple[str, Callable[[Model], Any]]) -> list[Column]:
    """Columns from field names (read as attributes) or (header, getter) pairs."""
    return [
        Column(spec, attr(spec)) if isinstance(spec, str) else Column(spec[0], spec[1])
        for spec in specs
    ]


def _text(value: str) -> str:
    # Most cells are plain printable text: skip the regular expressions for them.
    if value and (value[0] in FORMULA_TRIGGERS or not value.isprintable()):
        return neutralise(value)
    return value


def cell(value: Any) -> Any:
    """A flat, formula-safe cell value."""
    if type(value) is str:
        return _text(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | int | float | decimal.Decimal):
        return value
    if isinstance(value, list | tuple):
        return _text(LIST_SEPARATOR.join(str(item) for item in value))
    return _text(str(value))


def csv_cell(value: Any) -> Any:
    value = cell(value)
    return value.isoformat() if isinstance(value, datetime.date) else value


Prefetch = Callable[[list[Model]], None]


def sheet_rows(
    queryset: QuerySet,
    spec: list[Column],
    *,
    prefetch: Prefetch | None = None,
    convert: Callable[[Any], Any] = cell,
) -> Iterator[list[Any]]:
    """The header, then one row per object; `prefetch` loads related values per chunk."""
    yield [column.header for column in spec]
    getters = [column.get for column in spec]
    chunk: list[Model] = []
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(obj)
        if len(chunk) == CHUNK_SIZE:
            yield from _chunk_rows(chunk, getters, prefetch, convert)
            chunk = []
    if chunk:
        yield from _chunk_rows(chunk, getters, prefetch, convert)


# Cell values the CSV and XLSX writers put down unchanged, with nothing to neutralise.
AS_WRITTEN = frozenset({int, float, decimal.Decimal, datetime.date})


def _chunk_rows(chunk, getters, prefetch, convert) -> Iterator[list[Any]]:
    if prefetch is not None:
        prefetch(chunk)
    triggers = FORMULA_TRIGGERS
    for obj in chunk:
        row = []
        for get in getters:
            value = get(obj)
            # Inlined for plain text, most of a sheet: a function call per cell shows at 100k rows.
            if type(value) is str and (
                not value or (value[0] not in triggers and value.isprintable())
            ):
                row.append(value)
            elif value is None or type(value) in AS_WRITTEN:
                row.append(value)  # both writers take these as they are (None: an empty cell)
            else:
                row.append(convert(value))
        yield row


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # so Excel reads the file as UTF-8
    for row in rows:
        yield writer.writerow(row)


def xlsx_file(rows: Iterable[list[Any]], title: str):
    """Write the rows into a temporary XLSX file, one row at a time (constant memory).

    XlsxWriter is told never to turn a string into a formula, a URL or a number, on top of
    every string having been neutralised already.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook = xlsxwriter.Workbook(
        output,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    sheet = workbook.add_worksheet(title[:31])
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(number, column, value[:XLSX_CELL_LIMIT])
            elif isinstance(value, datetime.datetime) and value.tzinfo is not None:
                sheet.write_string(number, column, value.isoformat())
            elif value is not None and value != "":
                sheet.write(number, column, value)
    workbook.close()
    output.seek(0)
    return output


def sheet_response(
    queryset: QuerySet, spec: list[Column], fmt: str, name: str, prefetch: Prefetch | None = None
):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        rows = sheet_rows(queryset, spec, prefetch=prefetch, convert=csv_cell)
        response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(sheet_rows(queryset, spec, prefetch=prefetch), name),
        as_attachment=True,
        filename=filename,
        content_type=XLSX_TYPE,
    )


class CSVRenderer(renderers.BaseRenderer):
    """Lets `?format=csv` through content negotiation; the list view streams the file."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b""


class XLSXRenderer(renderers.BaseRenderer):
    media_type = XLSX_TYPE
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        return b""
