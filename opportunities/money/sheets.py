"""The converted value as a column of the opportunity sheets (opportunities/sheets/columns.py):
the rates are read once per export, each chunk's values with one query."""

from __future__ import annotations

from typing import Any

from lib.sheets.columns import of_ids

from .rates import rates_on


class ReportingValues:
    """Loader of (value in the reporting currency, the reporting currency) per opportunity;
    (None, None) where the value is blank or its currency has no rate."""

    def __init__(self, model) -> None:
        self.model = model

    def __call__(self, ids: list[int], memo: dict) -> dict[int, Any]:
        if self not in memo:
            memo[self] = rates_on()
        rates = memo[self]
        rows = of_ids(self.model.objects.order_by(), "id", ids).values_list(
            "pk", "value", "currency"
        )
        converted = {}
        for pk, value, currency in rows:
            reported = rates.convert(value, currency)
            if reported is not None:
                converted[pk] = (reported, rates.reporting)
        return converted
