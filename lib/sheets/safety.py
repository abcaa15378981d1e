"""Cells that are safe to open in a spreadsheet.

django-import-export and tablib only strip a leading "=", and openpyxl stores any string that
starts with "=" as a formula, so every exported cell goes through `neutralise` instead.
"""

from __future__ import annotations

import re
from typing import Any

from import_export import resources

# Characters that make Excel, LibreOffice or Sheets treat a cell as a formula (or DDE).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
# Control characters an XLSX file cannot hold (openpyxl refuses them).
UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(value: Any) -> Any:
    """Return the value with any formula made inert by a leading apostrophe."""
    if not isinstance(value, str):
        return value
    cleaned = UNSTORABLE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS) or cleaned.startswith(FORMULA_TRIGGERS):
        return "'" + cleaned
    return cleaned


class SafeModelResource(resources.ModelResource):
    def export_field(self, field, instance, **kwargs) -> Any:
        return neutralise(super().export_field(field, instance, **kwargs))
