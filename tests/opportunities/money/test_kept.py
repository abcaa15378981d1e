"""Today's rates kept per process (opportunities/money/kept.py): read once, and read again as
soon as a rate is written, whichever way it is written."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from opportunities.models import ExchangeRate
from opportunities.money import kept
from opportunities.money.kept import STAMP_KEY, rates_kept
from opportunities.money.loading import exchange_rates_load_text
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def rate(currency: str = "USD", quote: str = "INR", value: str = "80") -> ExchangeRate:
    return ExchangeRate.objects.create(
        currency=currency, quote=quote, rate=Decimal(value), on=timezone.localdate()
    )


def inr() -> Decimal | None:
    return rates_kept().convert(8000, "INR")


def test_the_rates_are_read_once_then_kept() -> None:
    rate()
    with CaptureQueriesContext(connection) as first:
        assert inr() == Decimal("100.00")
    with CaptureQueriesContext(connection) as again:
        assert inr() == Decimal("100.00")
    assert (len(first), len(again)) == (1, 0)


def test_a_rate_created_changed_or_deleted_is_seen_at_once() -> None:
    assert inr() is None
    usd_inr = rate()
    assert inr() == Decimal("100.00")
    usd_inr.rate = Decimal("40")
    usd_inr.save()
    assert inr() == Decimal("200.00")
    usd_inr.delete()
    assert inr() is None


def test_a_loaded_file_is_seen_at_once() -> None:
    rate()
    assert inr() == Decimal("100.00")
    # bulk_update: no signal, the loader changes the stamp itself
    exchange_rates_load_text(f"date,currency,quote,rate\n{timezone.localdate()},USD,INR,50\n")
    assert inr() == Decimal("160.00")
    exchange_rates_load_text(f"date,currency,quote,rate\n{timezone.localdate()},EUR,INR,100\n")
    assert rates_kept().convert(1000, "EUR") == Decimal("2000.00")


def test_a_write_by_another_process_is_seen_through_the_shared_stamp() -> None:
    rate()
    assert inr() == Decimal("100.00")
    ExchangeRate.objects.update(rate=Decimal("20"))  # no signal here...
    assert inr() == Decimal("100.00")
    cache.set(STAMP_KEY, "changed elsewhere")  # ...but the writer's process changed the stamp
    assert inr() == Decimal("400.00")


def test_a_cleared_cache_forgets_what_was_kept() -> None:
    rate()
    assert inr() == Decimal("100.00")
    ExchangeRate.objects.update(rate=Decimal("20"))
    cache.clear()
    assert inr() == Decimal("400.00")


def test_kept_rates_are_read_again_after_kept_seconds(monkeypatch) -> None:
    """With a per-process cache another process's write is not seen through the stamp: the
    kept rates are only good for KEPT_SECONDS."""
    rate()
    now = kept._clock()
    monkeypatch.setattr(kept, "_clock", lambda: now)
    assert inr() == Decimal("100.00")
    ExchangeRate.objects.update(rate=Decimal("20"))
    monkeypatch.setattr(kept, "_clock", lambda: now + kept.KEPT_SECONDS - 1)
    assert inr() == Decimal("100.00")
    monkeypatch.setattr(kept, "_clock", lambda: now + kept.KEPT_SECONDS)
    assert inr() == Decimal("400.00")


def test_the_next_day_reads_that_days_rates(monkeypatch) -> None:
    today = timezone.localdate()
    rate()
    ExchangeRate.objects.create(
        currency="USD", quote="INR", rate=Decimal("40"), on=today + datetime.timedelta(days=1)
    )
    assert inr() == Decimal("100.00")
    monkeypatch.setattr(timezone, "localdate", lambda: today + datetime.timedelta(days=1))
    assert inr() == Decimal("200.00")


def test_the_reporting_currency_is_part_of_the_key(settings) -> None:
    rate()
    assert rates_kept().reporting == "USD"
    settings.TRACKER_REPORTING_CURRENCY = "INR"
    assert rates_kept().reporting == "INR"
    assert rates_kept().convert(1, "USD") == Decimal("80.00")


def test_the_api_list_reads_the_rates_once_and_sees_a_new_rate(desk_api, team) -> None:
    OpportunityFactory(team=team, value=Decimal("8000"), currency="INR")
    url = "/api/opportunities/"
    assert desk_api.get(url).json()["results"][0]["reporting_value"] is None
    # token, permissions, count, rows: the rates were read by the first request
    with CaptureQueriesContext(connection) as queries:
        assert desk_api.get(url).status_code == 200
    assert len(queries) == 4, [query["sql"] for query in queries]
    rate()
    assert desk_api.get(url).json()["results"][0]["reporting_value"] == "100.00"


def test_a_rate_deleted_in_the_admin_is_seen_by_the_api(
    desk_api, team, session_for, superuser
) -> None:
    OpportunityFactory(team=team, value=Decimal("8000"), currency="INR")
    usd_inr = rate()
    assert desk_api.get("/api/opportunities/").json()["results"][0]["reporting_value"] == "100.00"
    response = session_for(superuser).post(
        "/admin/opportunities/exchangerate/",
        {"action": "delete_selected", "_selected_action": [usd_inr.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not ExchangeRate.objects.exists()
    assert desk_api.get("/api/opportunities/").json()["results"][0]["reporting_value"] is None
