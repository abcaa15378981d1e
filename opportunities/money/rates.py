"""Converting values to the reporting currency (settings.TRACKER_REPORTING_CURRENCY) at the
newest rates on or before a day: one query for every currency at once."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from .models import ExchangeRate

CENT = Decimal("0.01")
HOPS = 2  # JPY -> EUR -> USD: rates published against one base currency still convert


@dataclass(frozen=True)
class Rates:
    """How many units of the reporting currency one unit of each currency is worth."""

    reporting: str
    as_of: datetime.date
    factors: dict[str, Decimal] = field(default_factory=dict)

    def convert(self, value: Decimal | int | None, currency: str) -> Decimal | None:
        """`value` in the reporting currency, to the cent; None without a rate (or a value)."""
        factor = self.factors.get(currency)
        if value is None or factor is None:
            return None
        return (Decimal(value) * factor).quantize(CENT, rounding=ROUND_HALF_EVEN)

    def total(self, values: dict[str, Decimal]) -> tuple[Decimal, list[str]]:
        """The sum of per-currency totals in the reporting currency, and the currencies left
        out for want of a rate."""
        total, missing = Decimal(0), []
        for currency, value in values.items():
            converted = self.convert(value, currency)
            if converted is None:
                missing.append(currency)
            else:
                total += converted
        return total, sorted(missing)


def rates_on(as_of: datetime.date | None = None, reporting: str | None = None) -> Rates:
    """The reporting factor of every currency a chain of at most HOPS rates reaches, from the
    newest rate of each pair dated on or before `as_of` (default today)."""
    as_of = as_of or timezone.localdate()
    reporting = reporting or settings.TRACKER_REPORTING_CURRENCY
    newest = ExchangeRate.objects.filter(
        currency=OuterRef("currency"), quote=OuterRef("quote"), on__lte=as_of
    ).order_by("-on")
    edges = list(
        ExchangeRate.objects.filter(on__lte=as_of, on=Subquery(newest.values("on")[:1]))
        .order_by("currency", "quote")
        .values_list("currency", "quote", "rate")
    )
    factors = {reporting: Decimal(1)}
    # A direct rate first, then chains through the currencies it reached.
    direct = [edge for edge in edges if reporting in edge[:2]]
    for pass_edges in (direct, *([edges] * (HOPS - 1))):
        for currency, quote, rate in pass_edges:
            if quote in factors and currency not in factors:
                factors[currency] = rate * factors[quote]
            elif currency in factors and quote not in factors:
                factors[quote] = factors[currency] / rate
    return Rates(reporting=reporting, as_of=as_of, factors=factors)
