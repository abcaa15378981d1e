"""Every admin model of our apps has its page test (tests/<app>/test_admin_pages.py)."""

from __future__ import annotations

from django.contrib import admin

from tests.opportunities import test_admin_pages as opportunities_pages
from tests.partners import test_admin_pages as partners_pages
from tests.statements import test_admin_pages as statements_pages

APPS = ("partners", "statements", "opportunities")
ROWS = [*partners_pages.ROWS, *statements_pages.ROWS, *opportunities_pages.ROWS]
BUDGETS = {**partners_pages.BUDGETS, **statements_pages.BUDGETS, **opportunities_pages.BUDGETS}


def test_every_admin_model_of_our_apps_has_rows_and_a_budget() -> None:
    registered = {model for model in admin.site._registry if model._meta.app_label in APPS}
    assert registered == {rows.model for rows in ROWS}
    assert set(BUDGETS) == registered
