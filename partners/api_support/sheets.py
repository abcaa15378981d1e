"""Lists as spreadsheets: `?format=csv` streams, `?format=xlsx` is written in constant memory.

Every cell goes through `partners.spreadsheets.neutralise`, and strings are stored in XLSX as
text cells, so nothing exported ever runs as a formula.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rest_framework import renderers

from ..spreadsheets import neutralise
from .related import parse_pairs

CHUNK_SIZE = 2000
LIST_SEPARATOR = "; "
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column:
    header: str
    get: Callable[[Model], Any]


def attr(path: str) -> Callable[[Model], Any]:
    """Read `a.b.c` from a row; None anywhere along the way gives None."""
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


def cell(value: Any) -> Any:
    """A flat, formula-safe cell value."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else value
    if isinstance(value, datetime.date | int | float | decimal.Decimal):
        return value
    if isinstance(value, list | tuple):
        return neutralise(LIST_SEPARATOR.join(str(item) for item in value))
    return neutralise(str(value))


def sheet_rows(queryset: QuerySet, spec: list[Column]) -> Iterator[list[Any]]:
    yield [column.header for column in spec]
    for obj in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield [cell(column.get(obj)) for column in spec]


class _Line:
    def write(self, value: str) -> str:
        return value


def csv_lines(rows: Iterable[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield "\ufeff"  # so Excel reads the file as UTF-8
    for row in rows:
        yield writer.writerow(
            [value.isoformat() if isinstance(value, datetime.date) else value for value in row]
        )


def xlsx_file(rows: Iterable[list[Any]], title: str):
    """Write the rows into a temporary XLSX file (write-only mode: constant memory)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, datetime.datetime) and value.tzinfo is not None:
                value = value.isoformat()
            xlsx_cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl makes any string starting with "=" a formula; this one is text.
                xlsx_cell.data_type = "s"
            cells.append(xlsx_cell)
        sheet.append(cells)
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    workbook.save(output)
    output.seek(0)
    return output


def sheet_response(queryset: QuerySet, spec: list[Column], fmt: str, name: str):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    filename = f"{name}-{stamp}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(sheet_rows(queryset, spec)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    return FileResponse(
        xlsx_file(sheet_rows(queryset, spec), name),
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
