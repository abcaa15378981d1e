"""The tallies compared with a fresh count of the live tables: what every test of a write
path asserts once it has written."""

from __future__ import annotations

from collections import Counter

from opportunities.tallies.keep import tallies_rebuild
from opportunities.tallies.models import TALLIES


def kept() -> dict[str, Counter]:
    """Every tally row, without its id, counted."""
    rows = {}
    for model in TALLIES:
        names = [f.attname for f in model._meta.concrete_fields if f.attname != "id"]
        rows[model.__name__] = Counter(model.objects.values_list(*names))
    return rows


def assert_exact() -> None:
    before = kept()
    tallies_rebuild()  # a fresh count of the live tables
    assert kept() == before
    assert any(before.values()), "nothing was counted: the test would prove nothing"
