"""Exchange rates from a CSV file (`date,currency,quote,rate[,source]`, a header first), as
central banks publish them: a rate already kept for that pair and day is replaced, never
doubled. Every bad line is reported with its number, and nothing is written unless all are
good."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from .kept import rates_changed
from .models import CURRENCY_CODES, ExchangeRate

COLUMNS = ("date", "currency", "quote", "rate")
KNOWN = frozenset(CURRENCY_CODES)


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0


def _row(number: int, row: dict[str, str | None]) -> tuple[tuple[str, str, datetime.date], dict]:
    errors = []
    try:
        on = datetime.date.fromisoformat((row.get("date") or "").strip())
    except ValueError:
        errors.append("date is not YYYY-MM-DD")
        on = None
    currency = (row.get("currency") or "").strip().upper()
    quote = (row.get("quote") or "").strip().upper()
    for name, code in (("currency", currency), ("quote", quote)):
        if code not in KNOWN:
            errors.append(f"{name} {code!r} is not an ISO 4217 code")
    if currency == quote:
        errors.append("currency and quote are the same")
    try:
        rate = Decimal((row.get("rate") or "").strip().replace(",", ""))
        if not rate.is_finite() or rate <= 0:
            raise InvalidOperation
    except InvalidOperation:
        errors.append("rate is not a number above zero")
        rate = None
    if errors:
        raise ValidationError(f"line {number}: {'; '.join(errors)}")
    return (currency, quote, on), {"rate": rate, "source": (row.get("source") or "").strip()[:200]}


def exchange_rates_load(*, lines: Iterable[str]) -> LoadReport:
    """Load the rates of a CSV file's lines. Raises ValidationError listing every bad line."""
    reader = csv.DictReader(lines)
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ValidationError(
            f"The header lacks {', '.join(missing)} (wanted {','.join(COLUMNS)})."
        )
    reader.fieldnames = header
    rows, errors = {}, []
    for row in reader:
        try:
            key, values = _row(reader.line_num, row)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        rows[key] = values  # a later line for the same pair and day wins
    if errors:
        raise ValidationError(errors)
    report = LoadReport()
    with transaction.atomic():
        kept = {
            (rate.currency, rate.quote, rate.on): rate
            for rate in ExchangeRate.objects.select_for_update().filter(
                on__in={on for _, _, on in rows}, currency__in={c for c, _, _ in rows}
            )
        }
        fresh, changed = [], []
        for (currency, quote, on), values in rows.items():
            rate = kept.get((currency, quote, on))
            if rate is None:
                fresh.append(ExchangeRate(currency=currency, quote=quote, on=on, **values))
            elif (rate.rate, rate.source) != (values["rate"], values["source"]):
                rate.rate, rate.source = values["rate"], values["source"]
                changed.append(rate)
        ExchangeRate.objects.bulk_create(fresh, batch_size=1000)
        ExchangeRate.objects.bulk_update(changed, ["rate", "source", "updated_at"], batch_size=1000)
        report.created, report.updated = len(fresh), len(changed)
        if fresh or changed:
            rates_changed()  # bulk writes send no signals
    return report


def exchange_rates_load_text(text: str) -> LoadReport:
    return exchange_rates_load(lines=io.StringIO(text))
