from __future__ import annotations

import csv
import io

import openpyxl
import tablib
from hypothesis import given
from hypothesis import strategies as st

from lib.sheets.safety import FORMULA_TRIGGERS, neutralise

ACTIVE = ("=", "+", "-", "@", "\t", "\r", "\0")


def test_every_formula_trigger_is_made_inert():
    for trigger in ACTIVE:
        cell = f'{trigger}HYPERLINK("http://evil.example","click")'
        assert neutralise(cell).startswith("'")


def test_plain_text_and_non_strings_pass_unchanged():
    assert neutralise("Mitsubishi Heavy Industries") == "Mitsubishi Heavy Industries"
    assert neutralise(42) == 42
    assert neutralise(None) is None


def test_a_cell_hiding_a_formula_behind_a_control_character_is_inert():
    assert neutralise("\x01=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0"


def test_the_triggers_cover_what_spreadsheets_run():
    assert set(ACTIVE) <= set(FORMULA_TRIGGERS)


@given(st.lists(st.text(max_size=40), min_size=1, max_size=8))
def test_no_exported_cell_starts_with_an_active_formula_character(row):
    cells = [neutralise(value) for value in row]
    dataset = tablib.Dataset(headers=[f"c{i}" for i in range(len(cells))])
    dataset.append(cells)

    parsed = list(csv.reader(io.StringIO(dataset.export("csv"), newline="")))
    for cell in parsed[1]:
        assert not cell.startswith(ACTIVE)

    workbook = openpyxl.load_workbook(io.BytesIO(dataset.export("xlsx")))
    for sheet_row in workbook.active.iter_rows(min_row=2):
        for cell in sheet_row:
            assert cell.data_type != "f"
            assert not (isinstance(cell.value, str) and cell.value.startswith(ACTIVE))
