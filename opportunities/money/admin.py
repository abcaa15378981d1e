from __future__ import annotations

from django.contrib import admin

from .models import ExchangeRate


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    """Dated rates; `manage.py load_exchange_rates rates.csv` loads a published file."""

    list_display = ["on", "currency", "quote", "rate", "source", "updated_at"]
    list_filter = ["currency", "quote"]
    search_fields = ["currency", "quote", "source"]
    date_hierarchy = "on"
    readonly_fields = ["updated_at"]
