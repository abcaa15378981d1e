"""A one-sheet XLSX written row by row into a temporary file, in constant memory.

XlsxWriter spent ten seconds on the cells of 100,000 exported opportunities, before reading a
single row from the database; writing the sheet's XML directly takes one. The file holds only
what an export needs: text as inline strings (never a formula: this writer has no way to
write one), numbers, dates with a date format, a bold, frozen header row.
"""

from __future__ import annotations

import datetime
import decimal
import math
import re
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

CELL_LIMIT = 32767  # characters Excel holds in a cell
ROWS_PER_WRITE = 1000
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
HEADER_STYLE, DATE_STYLE = 1, 2
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
</Types>"""

ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""

STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<sheetViews><sheetView workbookViewId="0">\
<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>\
</sheetView></sheetViews><sheetData>"""

SHEET_END = "</sheetData></worksheet>"


def column_letters(count: int) -> list[str]:
    letters = []
    for number in range(1, count + 1):
        name = ""
        while number:
            number, rest = divmod(number - 1, 26)
            name = chr(65 + rest) + name
        letters.append(name)
    return letters


def _escape(text: str) -> str:
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#13;")  # a bare CR would be read back as a line feed
    return text


def _text_cell(ref: str, text: str, style: str = "") -> str:
    return (
        f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
        f"{_escape(text[:CELL_LIMIT])}</t></is></c>"
    )


def _cell(ref: str, value: Any) -> str:
    kind = type(value)
    if kind is str:
        return _text_cell(ref, value) if value else ""
    if kind is int or kind is decimal.Decimal or (kind is float and math.isfinite(value)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is datetime.date:
        return f'<c r="{ref}" s="{DATE_STYLE}"><v>{value.toordinal() - EXCEL_EPOCH}</v></c>'
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _text_cell(ref, value.isoformat())
    return _text_cell(ref, str(value))


def sheet_title(title: str) -> str:
    """A name Excel accepts for a sheet: at most 31 characters, none of []:*?/\\."""
    return SHEET_NAME_FORBIDDEN.sub("-", title)[:31] or "Sheet1"


def xlsx_file(rows: Iterable[Sequence[Any]], title: str) -> IO[bytes]:
    """The rows (the first is the header) as an XLSX file, positioned at its start.

    Cells arrive already flat and neutralised (see `sheets`): text, numbers, dates, None.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", ROOT_RELS)
        name = _escape(sheet_title(title)).replace('"', "&quot;")
        package.writestr("xl/workbook.xml", WORKBOOK.format(name=name))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_START.encode())
            _write_rows(sheet, rows)
            sheet.write(SHEET_END.encode())
    output.seek(0)
    return output


def _write_rows(sheet: IO[bytes], rows: Iterable[Sequence[Any]]) -> None:
    iterator = iter(rows)
    header = next(iterator, None)
    if header is None:
        return
    letters = column_letters(len(header))
    bold = f' s="{HEADER_STYLE}"'
    cells = "".join(
        _text_cell(f"{letter}1", str(title), bold)
        for letter, title in zip(letters, header, strict=True)
        if title != ""
    )
    pending = [f'<row r="1">{cells}</row>']
    for number, row in enumerate(iterator, start=2):
        if len(row) > len(letters):
            letters = column_letters(len(row))
        cells = "".join(
            _cell(f"{letter}{number}", value) for letter, value in zip(letters, row, strict=False)
        )
        pending.append(f'<row r="{number}">{cells}</row>')
        if len(pending) == ROWS_PER_WRITE:
            sheet.write("".join(pending).encode())
            pending = []
    sheet.write("".join(pending).encode())
