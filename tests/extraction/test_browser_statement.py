"""The statement page in a real browser: parties and other countries apart, and a name
candidate accepted with its button. Screenshots go to test-artifacts/dashboards/."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import Firm
from partners.reference import reference_load
from statements.extract import statement_extract
from tests.dashboards.test_browser import CHROMIUM, logged_in_page, shoot

from . import statement_from_text

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed"),
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("tasks_in_process"),
]


def test_parties_apart_and_a_name_accepted(browser, live_server, desk_staff) -> None:
    reference_load()
    statement = statement_from_text(
        "India and France agreed to co-develop jet engines with Safran Aircraft Systems. "
        "The two sides also discussed the situation in Ukraine, and Shri Anil Mehra "
        "briefed them on maritime domain awareness in the Indian Ocean.",
        title="India-France Joint Statement on engines",
    )
    statement_extract(statement_id=statement.pk)
    page = logged_in_page(browser, live_server, desk_staff)

    page.goto(live_server.url + reverse("dashboards:statement", args=[statement.pk]))

    expect(page.locator("#parties")).to_contain_text("France")
    expect(page.locator("#parties")).not_to_contain_text("Ukraine")
    expect(page.locator("#other-countries")).to_contain_text("Ukraine")
    names = page.locator("#name-candidates")
    expect(names).to_contain_text("Safran Aircraft Systems")
    expect(names).to_contain_text("Anil Mehra")
    shoot(page, "statement-parties-and-names")

    item = names.locator("li", has_text="Safran Aircraft Systems")
    item.get_by_role("button", name="Accept as new firm").click()

    expect(page.locator(".messages")).to_contain_text("Safran Aircraft Systems")
    expect(page.locator("#name-candidates")).not_to_contain_text("Safran Aircraft Systems")
    shoot(page, "statement-name-accepted")
    assert Firm.objects.filter(name="Safran Aircraft Systems", country__code="FR").exists()
