"""Dated exchange rates, so values in many currencies can be shown in one reporting currency.

`opportunities.models` imports this module, so Django registers the model with the app."""

from __future__ import annotations

import pycountry
from django.db import models
from django.db.models import F, Q

CURRENCY_CODES = sorted(currency.alpha_3 for currency in pycountry.currencies)


class ExchangeRate(models.Model):
    """On `on`, one unit of `currency` was worth `rate` units of `quote` (USD -> INR 84.5)."""

    currency = models.CharField(max_length=3, choices=[(c, c) for c in CURRENCY_CODES])
    quote = models.CharField(
        max_length=3,
        choices=[(c, c) for c in CURRENCY_CODES],
        help_text="The currency it is priced in",
    )
    on = models.DateField("date", help_text="Used from this day until a later rate")
    rate = models.DecimalField(max_digits=24, decimal_places=10)
    source = models.CharField(max_length=200, blank=True, help_text="e.g. RBI reference rate")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["currency", "quote", "-on"]
        indexes = [
            models.Index(fields=["currency", "quote", "-on"], name="exchange_rate_latest_idx")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "quote", "on"],
                name="exchange_rate_unique_per_day",
                violation_error_message="This pair already has a rate on that day.",
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message="A rate is more than zero.",
            ),
            models.CheckConstraint(
                condition=~Q(currency=F("quote")),
                name="exchange_rate_two_currencies",
                violation_error_message="A rate prices one currency in another.",
            ),
            models.CheckConstraint(
                condition=Q(currency__in=CURRENCY_CODES) & Q(quote__in=CURRENCY_CODES),
                name="exchange_rate_iso4217",
                violation_error_message="Currencies are ISO 4217 codes such as USD or INR.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.on}: 1 {self.currency} = {self.rate.normalize():f} {self.quote}"
