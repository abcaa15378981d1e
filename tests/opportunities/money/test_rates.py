"""Values in the reporting currency: the newest rate on or before the day, direct, inverse or
through one currency both are priced in."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from opportunities.models import ExchangeRate
from opportunities.money.rates import rates_on

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 11, 30)


def rate(currency, quote, value, on=DAY):
    return ExchangeRate.objects.create(currency=currency, quote=quote, rate=Decimal(value), on=on)


def test_the_newest_rate_on_or_before_the_day_converts() -> None:
    rate("INR", "USD", "0.0125", on=DAY - datetime.timedelta(days=30))
    rate("INR", "USD", "0.0118")
    rate("INR", "USD", "0.0200", on=DAY + datetime.timedelta(days=1))  # not yet
    with CaptureQueriesContext(connection) as captured:
        rates = rates_on(DAY, "USD")
    assert len(captured) == 1
    assert rates.convert(Decimal("5000000"), "INR") == Decimal("59000.00")
    assert rates.convert(Decimal("10"), "USD") == Decimal("10.00")
    assert rates_on(DAY - datetime.timedelta(days=1), "USD").convert(100, "INR") == Decimal("1.25")


def test_an_inverse_rate_and_a_cross_rate_convert() -> None:
    rate("USD", "INR", "84.50")  # priced the other way
    rate("EUR", "JPY", "160")  # both priced in euros: JPY -> EUR -> USD
    rate("EUR", "USD", "1.05")
    rates = rates_on(DAY, "USD")
    assert rates.convert(Decimal("845"), "INR") == Decimal("10.00")
    assert rates.convert(Decimal("160000"), "JPY") == Decimal("1050.00")
    assert rates.convert(Decimal("1"), "GBP") is None  # no rate at all
    assert rates.convert(None, "INR") is None


def test_a_direct_rate_wins_over_a_cross_rate() -> None:
    rate("EUR", "USD", "1.05")
    rate("EUR", "JPY", "160")
    rate("JPY", "USD", "0.0070")
    assert rates_on(DAY, "USD").convert(1000, "JPY") == Decimal("7.00")


def test_totals_say_which_currencies_were_left_out() -> None:
    rate("INR", "USD", "0.012")
    total, missing = rates_on(DAY, "USD").total(
        {"USD": Decimal("100"), "INR": Decimal("1000"), "GBP": Decimal("5"), "CHF": Decimal("1")}
    )
    assert (total, missing) == (Decimal("112.00"), ["CHF", "GBP"])


@pytest.mark.parametrize(
    ("currency", "quote", "value"),
    [("INR", "INR", "1"), ("INR", "USD", "0"), ("INR", "USD", "-1"), ("XXQ", "USD", "1")],
)
def test_the_database_refuses_a_rate_that_makes_no_sense(currency, quote, value) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        rate(currency, quote, value)


def test_one_rate_per_pair_and_day() -> None:
    rate("INR", "USD", "0.012")
    with pytest.raises(IntegrityError), transaction.atomic():
        rate("INR", "USD", "0.013")
