"""The XLSX writer: what a spreadsheet program reads back from it."""

from __future__ import annotations

import datetime
import decimal
import warnings
import zipfile

from openpyxl import load_workbook

from lib.sheets.xlsx import CELL_LIMIT, column_letters, sheet_title, xlsx_file


def read_back(rows, title="export"):
    with xlsx_file(rows, title) as output:
        workbook = load_workbook(output)
    return workbook.active


def test_values_keep_their_types():
    sheet = read_back(
        [
            ["text", "number", "money", "ratio", "day", "empty"],
            [
                "Tata & <Mitsubishi>\r\nline",
                12,
                decimal.Decimal("1234.50"),
                0.25,
                datetime.date(2027, 3, 31),
                None,
            ],
        ]
    )
    text, number, money, ratio, day, empty = next(sheet.iter_rows(min_row=2, values_only=True))
    assert text == "Tata & <Mitsubishi>\r\nline"
    assert (number, money, ratio) == (12, 1234.5, 0.25)
    assert day == datetime.datetime(2027, 3, 31)
    assert sheet["E2"].number_format == "yyyy\\-mm\\-dd"
    assert empty is None


def test_header_is_bold_and_frozen_and_no_cell_is_a_formula():
    sheet = read_back([["id", "title"], [1, "'=1+1"], [2, "=SUM(A1:A2)"]])
    assert sheet["A1"].font.b and sheet["B1"].font.b
    assert sheet.freeze_panes == "A2"
    # The writer has no way to write a formula: even unneutralised "=" text stays text.
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert sheet["B3"].value == "=SUM(A1:A2)"


def test_long_text_is_cut_to_what_excel_holds():
    sheet = read_back([["body"], ["x" * (CELL_LIMIT + 10)]])
    assert len(sheet["A2"].value) == CELL_LIMIT


def test_sheet_title_is_one_excel_accepts():
    assert sheet_title("a/b:c*d?e[f]g\\h" * 3) == ("a-b-c-d-e-f-g-h" * 3)[:31]
    assert read_back([["id"]], title="follow-ups: 2026/11").title == "follow-ups- 2026-11"


def test_column_letters_go_past_z():
    assert column_letters(28)[-3:] == ["Z", "AA", "AB"]
    assert column_letters(703)[-1] == "AAA"


def test_the_file_is_a_complete_package():
    with xlsx_file([["id"], [1]], "t") as output, zipfile.ZipFile(output) as package:
        assert set(package.namelist()) == {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        }
        assert package.testzip() is None


def test_openpyxl_reads_it_without_complaint():
    with xlsx_file([["id"], [1]], "t") as output, warnings.catch_warnings():
        warnings.simplefilter("error")  # e.g. "Workbook contains no default style"
        assert load_workbook(output).active["A2"].value == 1
