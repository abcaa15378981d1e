"""Reading uploaded sheets (CSV, XLSX or JSON) into numbered rows of text cells.

The inverse of the export's neutralisation: a cell the export made inert ("'=1+1") comes back
as it was stored ("=1+1"), so a round trip changes only the cells someone edited.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
from collections.abc import Iterator
from typing import IO, Any

from openpyxl import load_workbook

from .archive import MAX_COLUMNS, MAX_XLSX_ROWS, xlsx_check
from .errors import SheetError, SheetTooLarge
from .safety import unneutralise

__all__ = ["SheetError", "SheetTooLarge", "read_csv", "read_json", "read_upload", "read_xlsx"]

MAX_ROWS = 200_000
MAX_CELL = 100_000
# A 100,000-row CSV export is about 20 MB and takes ~15 s to upsert; a 60 MB one ran past
# gunicorn's 30 s timeout, so bigger files are refused before anything is read.
MAX_UPLOAD_BYTES = 32 * 1024 * 1024


def _bounded(text: str) -> str:
    if len(text) > MAX_CELL:
        raise SheetError(f"A cell is longer than {MAX_CELL} characters.")
    return unneutralise(text)


def _text(value: Any) -> str | None:
    if type(value) is str:  # every CSV cell, most XLSX ones: the rest of the checks cost more
        return _bounded(value)
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(decimal.Decimal(repr(value)).normalize()) if value == value else ""
    if isinstance(value, list):
        return "; ".join(str(item) for item in value)
    return _bounded(str(value))


def _header(cells: list[Any]) -> list[str]:
    if len(cells) > MAX_COLUMNS:
        raise SheetTooLarge(f"At most {MAX_COLUMNS} columns per upload.")
    names = [str(cell or "").strip().lower().replace(" ", "_") for cell in cells]
    if not any(names):
        raise SheetError("The first row must name the columns.")
    if len(set(filter(None, names))) != len(list(filter(None, names))):
        raise SheetError("A column name appears twice in the first row.")
    return names


def _rows(
    header: list[str], body: Iterator[tuple[int, list[Any]]], max_rows: int = MAX_ROWS
) -> Iterator[Any]:
    for count, (number, cells) in enumerate(body, start=1):
        if count > max_rows:
            raise SheetTooLarge(f"At most {max_rows} rows per upload.")
        if len(cells) > MAX_COLUMNS:
            raise SheetTooLarge(f"At most {MAX_COLUMNS} columns per upload.")
        if all(cell in (None, "") for cell in cells):
            continue
        yield (
            number,
            {
                name: _text(cells[index]) if index < len(cells) else None
                for index, name in enumerate(header)
                if name
            },
        )


def read_csv(data: bytes) -> Iterator[tuple[int, dict[str, str | None]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise SheetError("The file holds NUL characters; is it really CSV?")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = _header(next(reader))
    except StopIteration as error:
        raise SheetError("The file is empty.") from error
    except csv.Error as error:
        raise SheetError(f"Not a readable CSV file: {error}.") from error

    def body():
        try:
            for cells in reader:
                yield reader.line_num, cells
        except csv.Error as error:
            raise SheetError(f"Line {reader.line_num} is not readable CSV: {error}.") from error

    return _rows(header, body())


def read_xlsx(stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str | None]]]:
    xlsx_check(stream)
    try:
        # data_only: a formula cell gives its cached value; nothing is ever evaluated.
        workbook = load_workbook(stream, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise SheetError("Not a readable XLSX file.") from error
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = _header(list(next(rows)))
    except StopIteration as error:
        raise SheetError("The sheet is empty.") from error
    body = ((number, list(cells)) for number, cells in enumerate(rows, start=2))
    return _rows(header, body, MAX_XLSX_ROWS)


def read_json(data: Any) -> Iterator[tuple[int, dict[str, str | None]]]:
    rows = data.get("rows") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise SheetError('Send a list of rows, or {"rows": [...]}.')
    if len(rows) > MAX_ROWS:
        raise SheetTooLarge(f"At most {MAX_ROWS} rows per upload.")
    for number, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise SheetError(f"Row {number} is not an object.")
        yield (
            number,
            {
                str(key).strip().lower(): None if value is None else _text(value)
                for key, value in row.items()
            },
        )


def read_upload(name: str, stream: IO[bytes]) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Rows of an uploaded file, by its extension (or its first bytes)."""
    if stream.seek(0, io.SEEK_END) > MAX_UPLOAD_BYTES:
        raise SheetTooLarge(f"At most {MAX_UPLOAD_BYTES // 2**20} MB per upload.")
    stream.seek(0)
    head = stream.read(4)
    stream.seek(0)
    lowered = name.lower()
    if lowered.endswith(".xlsx") or head == b"PK\x03\x04":
        return read_xlsx(stream)
    data = stream.read()
    if lowered.endswith(".json") or data.lstrip()[:1] in (b"[", b"{"):
        try:
            return read_json(json.loads(data))
        except (ValueError, RecursionError) as error:
            raise SheetError("Not a readable JSON file.") from error
    return read_csv(data)
