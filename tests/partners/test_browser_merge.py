"""Merging two firms and undoing it as a team lead would, in Debian's headless Chromium.
Screenshots go to test-artifacts/merges/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from partners.models import Firm
from tests.browsers import needs_chromium
from tests.partners.factories import CountryFactory, FirmFactory
from tests.statements.factories import StatementFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "merges"

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]


def test_a_lead_merges_two_firms_and_undoes_it(browser, live_server, team_lead) -> None:
    japan = CountryFactory(code="JP")
    survivor = FirmFactory(name="Kawasaki Heavy Industries", country=japan)
    loser = FirmFactory(
        name="KAWASAKI HEAVY INDUSTRIES, LTD.", country=japan, website="https://khi.example"
    )
    statement = StatementFactory(title="Submarine talks")
    statement.firms.add(loser)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/partners/firm/")
    page.fill("#id_username", team_lead.username)
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("cell", name="100", exact=True)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "duplicates.png"), full_page=True)

    page.get_by_role("link", name="Merge…").click()
    page.get_by_label("https://khi.example").check()
    page.screenshot(path=str(ARTIFACTS / "merge-form.png"), full_page=True)
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text(re.compile(r"Merged .* into .*links moved"))).to_be_visible()

    merged = Firm.objects.get()
    assert merged.website == "https://khi.example"
    assert list(merged.statements.all()) == [statement]

    page.goto(live_server.url + "/admin/partners/firm/merges/")
    page.screenshot(path=str(ARTIFACTS / "merges.png"), full_page=True)
    page.get_by_role("button", name="Undo").click()
    expect(page.get_by_text(re.compile(r"Undone: .* is back"))).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "undone.png"), full_page=True)

    assert Firm.objects.count() == 2
    restored = Firm.objects.get(pk=loser.pk)
    assert list(restored.statements.all()) == [statement]
    assert Firm.objects.get(pk=survivor.pk).website == ""
