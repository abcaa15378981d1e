"""lib.sheets.audit: rows are counted as the writer takes them, and the tally ends once."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from lib.sheets import export
from lib.sheets.audit import SheetSent, Tally, filters_of, tallied
from lib.sheets.export import csv_lines


def tally() -> tuple[Tally, list[SheetSent]]:
    ended: list[SheetSent] = []
    sent = SheetSent(user=None, kind="export", channel="api", list_name="x", filters={}, fmt="")
    return Tally(sent, on_end=ended.append), ended


def test_tallied_counts_data_rows_and_ends_complete() -> None:
    counter, ended = tally()
    assert list(tallied([["h"], [1], [2]], counter)) == [["h"], [1], [2]]
    assert [(s.rows, s.complete) for s in ended] == [(2, True)]


def test_tallied_ends_incomplete_when_its_rows_fail() -> None:
    def rows():
        yield ["h"]
        yield [1]
        raise RuntimeError("gone")

    counter, ended = tally()
    with pytest.raises(RuntimeError):
        list(tallied(rows(), counter))
    assert [(s.rows, s.complete) for s in ended] == [(1, False)]


def test_csv_lines_counts_a_piece_once_the_next_is_asked_for(monkeypatch) -> None:
    monkeypatch.setattr(export, "CSV_LINES_PER_WRITE", 3)
    counter, ended = tally()
    pieces = csv_lines([["h"], [1], [2], [3], [4]], counter)
    next(pieces)  # BOM, header, row 1
    assert counter.sent.rows == 0
    next(pieces)  # rows 2 to 4
    assert counter.sent.rows == 1
    assert list(pieces) == [""]
    assert [(s.rows, s.complete) for s in ended] == [(4, True)]


def test_filters_leave_out_the_key_format_and_page() -> None:
    params = QueryDict("key=secret&format=csv&page=2&stage=won&stage=lost&team=3")
    assert filters_of(params) == {"stage": ["won", "lost"], "team": "3"}
