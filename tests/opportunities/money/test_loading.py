"""Exchange rates loaded from a CSV file, by the service and the management command."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from opportunities.models import ExchangeRate
from opportunities.money.loading import exchange_rates_load_text

pytestmark = pytest.mark.django_db

GOOD = (
    "date,currency,quote,rate,source\n"
    "2026-11-30,USD,INR,84.50,RBI reference rate\n"
    "2026-11-30,EUR,USD,1.05,ECB\n"
    '2026-12-01,usd,inr,"84.62",RBI reference rate\n'
)


def test_a_file_is_loaded_and_loaded_again_changes_only_what_differs() -> None:
    report = exchange_rates_load_text(GOOD)
    assert (report.created, report.updated) == (3, 0)
    assert ExchangeRate.objects.get(currency="USD", on=datetime.date(2026, 12, 1)).rate == Decimal(
        "84.62"
    )
    again = exchange_rates_load_text(GOOD.replace("1.05", "1.06"))
    assert (again.created, again.updated) == (0, 1)
    assert ExchangeRate.objects.count() == 3


def test_every_bad_line_is_reported_and_nothing_is_written() -> None:
    text = (
        "date,currency,quote,rate\n"
        "2026-11-30,USD,INR,84.5\n"
        "30/11/2026,USD,INR,84.5\n"
        "2026-11-30,ZZZ,INR,1\n"
        "2026-11-30,INR,INR,1\n"
        "2026-11-30,USD,JPY,-3\n"
        "2026-11-30,USD,JPY,abc\n"
    )
    with pytest.raises(ValidationError) as error:
        exchange_rates_load_text(text)
    messages = error.value.messages
    assert [m.split(":")[0] for m in messages] == [f"line {n}" for n in (3, 4, 5, 6, 7)]
    assert "date is not YYYY-MM-DD" in messages[0]
    assert "'ZZZ' is not an ISO 4217 code" in messages[1]
    assert ExchangeRate.objects.count() == 0


def test_a_file_without_the_columns_is_refused() -> None:
    with pytest.raises(ValidationError, match="lacks quote, rate"):
        exchange_rates_load_text("date,currency\n2026-11-30,USD\n")


def test_the_command_loads_a_file_and_says_what_is_wrong(tmp_path, capsys) -> None:
    path = tmp_path / "rates.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("load_exchange_rates", str(path))
    assert "3 rates added, 0 changed." in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_text("date,currency,quote,rate\n2026-11-30,USD,INR,x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="line 2: rate is not a number"):
        call_command("load_exchange_rates", str(bad))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_exchange_rates", str(tmp_path / "missing.csv"))
