"""The board, the opportunity page and saved views in a real browser (Debian's Chromium by
Playwright, as test_browser.py), under a Content-Security-Policy that allows no inline script:
a card dragged, one moved by the keyboard, one without JavaScript, a stale card refused, a
view saved and opened. Screenshots go to test-artifacts/dashboards/."""

from __future__ import annotations

import contextlib
import re

import pytest
from django.db.models import F
from playwright.sync_api import Browser, Error, Page, Route, expect

from opportunities.models import Opportunity
from tests.browsers import needs_chromium
from tests.tracker.dashboards.test_browser import LAPTOP, logged_in_page, shoot
from tracker.models import SavedView

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]

# What django-csp will send: scripts only from our own origin, no inline code or handlers.
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:"


def with_csp(page: Page) -> list[str]:
    """Serve every page with the strict policy; returns the console's CSP complaints."""

    def add_policy(route: Route) -> None:
        response = route.fetch()
        route.fulfill(
            response=response, headers={**response.headers, "content-security-policy": CSP}
        )

    page.route("**/*", add_policy)
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: complaints.append(str(error)))
    return complaints


def card(page: Page, opportunity: Opportunity):
    return page.locator(f"#card-{opportunity.pk}")


def stage_of(opportunity: Opportunity) -> str:
    return Opportunity.objects.get(pk=opportunity.pk).stage


def test_cards_move_by_drag_keyboard_and_stale_is_refused(
    browser: Browser, live_server, known, team_lead
):
    page = logged_in_page(browser, live_server, team_lead)
    complaints = with_csp(page)
    a, b, c = (known.opportunities[key] for key in "abc")
    response = page.goto(live_server.url + "/dashboards/board/")
    assert response.headers["content-security-policy"] == CSP
    # The policy holds: an inline script is refused, while board.js (below) runs.
    with contextlib.suppress(Error):  # refused outright or loaded and blocked: either holds
        page.add_script_tag(content="window.__inline = 1")
    assert page.evaluate("window.__inline") is None
    complaints.clear()  # that refusal was ours
    expect(page.get_by_role("heading", name="Pipeline board", level=1)).to_be_visible()
    expect(page.locator("#column-identified .card")).to_have_count(2)
    expect(page.locator("#board")).not_to_contain_text("Opportunity other")
    shoot(page, "board")

    # Drag and drop: a card from Identified onto Engaged.
    card(page, a).drag_to(page.locator("#column-engaged"))
    expect(page.locator("#board-status")).to_have_text("“Opportunity a” moved to Engaged.")
    expect(page.locator("#column-engaged .card")).to_have_count(1)
    expect(page.locator("#column-engaged [data-count]")).to_have_text("1")
    expect(page.locator("#column-identified [data-count]")).to_have_text("1")
    assert stage_of(a) == "engaged"
    shoot(page, "board-dragged")

    # The keyboard: the card's stage menu, then its Move button.
    page.focus(f"#stage-{b.pk}")
    page.keyboard.press("ArrowDown")  # Identified -> Qualifying
    page.keyboard.press("Tab")
    expect(card(page, b).get_by_role("button")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#column-qualifying")).to_contain_text("Opportunity b")
    assert stage_of(b) == "qualifying"

    # Won asks for a reason in a dialog.
    page.focus(f"#stage-{b.pk}")
    page.select_option(f"#stage-{b.pk}", "won")
    card(page, b).get_by_role("button").press("Enter")
    dialog = page.locator("#reason-dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#reason-text")).to_be_focused()
    page.keyboard.type("Contract signed in Delhi")
    shoot(page, "board-reason")
    page.keyboard.press("Tab")  # from the reason to the dialog's Move button
    expect(dialog.get_by_role("button", name="Move")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#column-won")).to_contain_text("Opportunity b")
    b.refresh_from_db()
    assert (b.stage, b.close_reason) == ("won", "Contract signed in Delhi")

    # Someone saves card c while the board is open: its move is refused and changes nothing.
    Opportunity.objects.filter(pk=c.pk).update(version=F("version") + 1)
    card(page, c).drag_to(page.locator("#column-agreement"))
    status = page.locator("#board-status")
    expect(status).to_contain_text("was not moved")
    expect(status).to_contain_text("Nothing was changed.")
    expect(page.locator("#column-proposal")).to_contain_text("Opportunity c")
    assert stage_of(c) == "proposal"
    shoot(page, "board-stale")
    assert complaints == []


def test_a_card_moves_without_javascript(browser: Browser, live_server, known, team_lead):
    context = browser.new_context(viewport=LAPTOP, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/admin/login/?next=/dashboards/board/%3Fcountry%3DFR")
    page.fill("#id_username", team_lead.username)
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")
    expect(page).to_have_url(re.compile(r"/dashboards/board/\?country=FR$"))
    c = known.opportunities["c"]

    page.select_option(f"#stage-{c.pk}", "agreement")
    card(page, c).get_by_role("button", name=re.compile("Move")).click()
    expect(page).to_have_url(re.compile(r"/dashboards/board/\?country=FR$"))
    expect(page.locator(".messages")).to_have_text("“Opportunity c” moved to Agreement.")
    expect(page.locator("#column-agreement")).to_contain_text("Opportunity c")

    page.select_option(f"#stage-{c.pk}", "lost")
    card(page, c).get_by_role("button", name=re.compile("Move")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Why is “Opportunity c” lost?")
    page.fill("#id_reason", "The partner chose another bid")
    shoot(page, "board-no-js-reason")
    page.get_by_role("button", name="Move to Lost").click()
    expect(page).to_have_url(re.compile(r"/dashboards/board/\?country=FR$"))
    expect(page.locator("#column-lost")).to_contain_text("Opportunity c")
    shoot(page, "board-no-js")
    c.refresh_from_db()
    assert (c.stage, c.close_reason) == ("lost", "The partner chose another bid")
    context.close()


def test_the_opportunity_page_takes_a_note_and_a_done(
    browser: Browser, live_server, known, desk_staff
):
    page = logged_in_page(browser, live_server, desk_staff)
    complaints = with_csp(page)
    a = known.opportunities["a"]
    page.goto(live_server.url + "/dashboards/board/")
    card(page, a).get_by_role("link", name="Opportunity a").click()
    expect(page.get_by_role("heading", name="Opportunity a", level=1)).to_be_visible()

    page.get_by_label("Add a note").fill("Asked for the <b>RFP</b> dates")
    page.get_by_role("button", name="Add note").click()
    stream = page.locator("#activity-stream")
    expect(stream).to_contain_text("Asked for the <b>RFP</b> dates")
    overdue = page.locator("#open-follow-ups li").first
    title = overdue.inner_text().split("\n")[0].strip()
    overdue.get_by_role("button", name=re.compile("^Done")).click()
    expect(page.locator(".messages")).to_contain_text("done.")
    expect(stream).to_contain_text("Follow-up done:")
    expect(page.locator("#open-follow-ups")).not_to_contain_text(title)
    shoot(page, "opportunity-page")
    assert complaints == []


def test_a_view_is_saved_and_opened(browser: Browser, live_server, known, desk_staff):
    page = logged_in_page(browser, live_server, desk_staff)
    page.goto(live_server.url + "/dashboards/board/?country=JP")
    page.get_by_label("Save these filters as").fill("Japan board")
    page.get_by_role("button", name="Save view").click()
    expect(page.locator(".messages")).to_have_text("View “Japan board” saved.")
    assert SavedView.objects.get().query == "country=JP"

    page.goto(live_server.url + "/")
    page.locator(".saved-views summary").click()
    shoot(page, "saved-views-menu")
    page.get_by_role("link", name="Japan board").click()
    expect(page).to_have_url(re.compile(r"/dashboards/board/\?country=JP$"))
    expect(page.locator("#board")).to_contain_text("Opportunity a")
    expect(page.locator("#board")).not_to_contain_text("Opportunity c")
