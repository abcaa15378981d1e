"""Checks on an uploaded XLSX package before openpyxl parses any of it.

An XLSX file is a zip of XML. A few hundred kilobytes can inflate to gigabytes (a 409 KB
upload once took a web worker to 927 MB), and a sheet can claim a million rows or sixteen
thousand columns, each padded out by openpyxl. So the zip's directory (sizes as the archive
states them) and each worksheet's `<dimension>` (its first bytes only) are read first, and a
file over any cap is refused before parsing starts. The caps on rows and columns are applied
again while reading, for files whose directory or dimension lie or say nothing.
"""

from __future__ import annotations

import re
import zipfile
from typing import IO

from .errors import SheetError, SheetTooLarge

MAX_MEMBERS = 1_000
MAX_UNCOMPRESSED = 100 * 1024 * 1024  # bytes of XML in all
MAX_SHARED_STRINGS = 16 * 1024 * 1024  # openpyxl keeps them all in memory
MAX_RATIO = 100  # uncompressed / compressed, once past RATIO_FLOOR: text sheets stay near 10
RATIO_FLOOR = 1024 * 1024
MAX_XLSX_ROWS = 100_000
MAX_COLUMNS = 500

DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml")


def column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


def xlsx_check(stream: IO[bytes]) -> None:
    """Raise SheetTooLarge (or SheetError for a broken zip) unless the package is within the
    caps. Leaves the stream at its start."""
    try:
        with zipfile.ZipFile(stream) as package:
            members = package.infolist()
            _sizes_check(members)
            for member in members:
                if WORKSHEET.fullmatch(member.filename):
                    with package.open(member) as sheet:
                        _dimension_check(sheet.read(4096))
    except zipfile.BadZipFile as error:
        raise SheetError("Not a readable XLSX file.") from error
    finally:
        stream.seek(0)


def _sizes_check(members: list[zipfile.ZipInfo]) -> None:
    if len(members) > MAX_MEMBERS:
        raise SheetTooLarge(f"The XLSX package holds more than {MAX_MEMBERS} parts.")
    inflated = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members)
    if inflated > MAX_UNCOMPRESSED:
        raise SheetTooLarge(f"The XLSX file unpacks to over {MAX_UNCOMPRESSED // 2**20} MB.")
    if inflated > RATIO_FLOOR and inflated > MAX_RATIO * max(packed, 1):
        raise SheetTooLarge(f"The XLSX file unpacks to over {MAX_RATIO} times its size.")
    for member in members:
        if member.filename == "xl/sharedStrings.xml" and member.file_size > MAX_SHARED_STRINGS:
            raise SheetTooLarge(f"The XLSX file's text is over {MAX_SHARED_STRINGS // 2**20} MB.")


def _dimension_check(head: bytes) -> None:
    found = DIMENSION.search(head)
    if found is None:
        return  # no dimension: the caps apply while reading
    last_column, last_row = found.group(3) or found.group(1), found.group(4) or found.group(2)
    if int(last_row) > MAX_XLSX_ROWS + 1:  # the header row and MAX_XLSX_ROWS rows
        raise SheetTooLarge(f"At most {MAX_XLSX_ROWS} rows per XLSX upload.")
    if column_number(last_column.decode()) > MAX_COLUMNS:
        raise SheetTooLarge(f"At most {MAX_COLUMNS} columns per upload.")
