"""Cells that are safe to open in a spreadsheet.

django-import-export and tablib only strip a leading "=", and openpyxl stores any string that
starts with "=" as a formula, so every exported cell goes through `neutralise` instead.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from import_export import resources

# Characters that make Excel, LibreOffice or Sheets treat a cell as a formula (or DDE).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
# Control characters an XLSX file cannot hold (openpyxl refuses them).
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Characters that show as nothing: a spreadsheet may skip them and read the "=" behind them.
# Zero-width spaces and joiners, direction marks and embeddings, word joiner and invisible
# operators, the byte-order mark, soft hyphen, Mongolian vowel separator.
INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2061\u2062"
INVISIBLE += "\u2063\u2064\u2066\u2067\u2068\u2069\ufeff\u00ad\u180e"


def is_formula(value: str) -> bool:
    """Whether a spreadsheet could read `value` as a formula: it starts with a trigger, also
    once invisible characters are dropped and full-width or other compatibility forms
    (full-width equals, plus, minus and at; superscript signs...) are folded by NFKC."""
    if value.startswith(FORMULA_TRIGGERS):
        return True
    if not value or value[0].isascii():  # the common case: nothing to fold or drop in front
        return False
    head = value.lstrip(INVISIBLE)[:8]
    return unicodedata.normalize("NFKC", head).lstrip(INVISIBLE).startswith(FORMULA_TRIGGERS)


def needs_neutralising(value: str) -> bool:
    """The cheap test the exports run on every text cell before calling `neutralise`: plain
    printable text starting with a harmless ASCII character is left as it is."""
    if not value:
        return False
    first = value[0]
    return not (first.isascii() and first not in FORMULA_TRIGGERS and value.isprintable())


def neutralise(value: Any) -> Any:
    """Return the value with any formula made inert by a leading apostrophe."""
    if not isinstance(value, str):
        return value
    cleaned = UNSTORABLE.sub("", value)
    if is_formula(value) or is_formula(cleaned):
        return "'" + cleaned
    return cleaned


def unneutralise(value: str) -> str:
    """The inverse, for a cell read back from an exported sheet."""
    if value.startswith("'") and is_formula(value[1:]):
        return value[1:]
    return value


class SafeModelResource(resources.ModelResource):
    def export_field(self, field: Any, instance: Any, **kwargs: Any) -> Any:
        return neutralise(super().export_field(field, instance, **kwargs))
