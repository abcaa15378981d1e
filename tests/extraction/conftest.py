"""Fixtures the extraction tests borrow: logged-in clients from the admin tests, the browser
from the dashboard tests."""

from __future__ import annotations

from tests.admin.conftest import client_for  # noqa: F401
from tests.dashboards.test_browser import browser  # noqa: F401
