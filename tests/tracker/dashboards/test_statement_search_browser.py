"""The statement search's results in a real browser: on a laptop they take the page's whole
width, as the one list on the page, instead of one column of the dashboards' two-column grid
(they were half width, the other half empty)."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browsers import needs_chromium

from .test_browser import LAPTOP, logged_in_page, no_csp_violations, shoot  # noqa: F401

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]


def test_search_results_use_the_full_width(browser, live_server, known, team_lead) -> None:
    page = logged_in_page(browser, live_server, team_lead, viewport=LAPTOP)
    query = urlencode({"q": "Japan"})
    page.goto(f"{live_server.url}{reverse('dashboards:statement_search')}?{query}")
    results = page.locator("section[aria-labelledby=results-h]")
    expect(results.get_by_role("link", name="India-Japan briefing")).to_be_visible()
    heading = page.get_by_role("heading", name="Search statements", level=1).bounding_box()
    panel = results.bounding_box()
    assert heading and panel
    # The page's heading spans the grid: the results start and end where it does.
    assert abs(panel["x"] - heading["x"]) <= 1
    assert abs(panel["width"] - heading["width"]) <= 1
    shoot(page, "statement-search-laptop")
