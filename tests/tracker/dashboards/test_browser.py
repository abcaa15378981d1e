"""The dashboards in a real browser: Debian's headless Chromium driven by Playwright against
pytest-django's live server. Screenshots go to test-artifacts/dashboards/ for people to look at.
Every test fails on a Content-Security-Policy violation the browser reports in its console."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from partners.models import Firm
from partners.reference import reference_load
from statements.extract import statement_extract
from tests.browsers import needs_chromium
from tests.statements.factories import MentionFactory, StatementFactory
from tests.support.extraction import statement_from_text

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "dashboards"
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = [
    needs_chromium,
    pytest.mark.django_db(transaction=True),
]


# What the browser said about the Content-Security-Policy during the current test.
_csp_violations: list[str] = []


@pytest.fixture(autouse=True)
def no_csp_violations() -> Iterator[list[str]]:
    _csp_violations.clear()
    yield _csp_violations
    assert _csp_violations == [], "the Content-Security-Policy blocked something"


def watch_csp(page: Page) -> Page:
    """Record Chromium's console reports of anything the policy refused on this page."""

    def record(message) -> None:
        if "Content Security Policy" in message.text:
            _csp_violations.append(f"{page.url}: {message.text}")

    page.on("console", record)
    return page


def shoot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def logged_in_page(browser: Browser, live_server, user, viewport=LAPTOP) -> Page:
    page = watch_csp(browser.new_page(viewport=viewport))
    page.set_default_timeout(15_000)
    page.goto(live_server.url + "/")
    # Not signed in: the dashboard sends us to the login page, which brings us back.
    expect(page).to_have_url(re.compile(r"/admin/login/\?next=/$"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")
    expect(page.get_by_role("heading", name="Overview", level=1)).to_be_visible()
    return page


def test_overview_chart_link_opens_the_filtered_list(browser, live_server, known, team_lead):
    page = logged_in_page(browser, live_server, team_lead)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    table = page.locator("#pipeline-table")
    expect(table.get_by_role("row", name=re.compile(r"^Identified 2 "))).to_be_visible()
    expect(page.locator("#source-table")).to_contain_text("MEA briefings")
    expect(page.locator("#follow-up-table")).to_contain_text("desk")
    # The stylesheet came from our own static files (no CDN): the header is styled.
    header_colour = page.locator("header.top").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(31, 45, 58)"
    shoot(page, "overview-laptop")

    page.locator('svg a[aria-label="Identified: 2"]').first.click()
    expect(page).to_have_url(re.compile(r"/dashboards/opportunities/\?stage=identified$"))
    rows = page.locator("#opportunity-list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#opportunity-list")).to_contain_text("Opportunity a")
    expect(page.locator("#opportunity-list")).not_to_contain_text("Opportunity other")
    shoot(page, "opportunity-list")

    page.go_back()
    page.locator("#follow-up-table").get_by_role("link", name="all overdue").click()
    expect(page).to_have_url(re.compile(r"/dashboards/follow-ups/\?due=overdue$"))
    expect(page.locator("#follow-up-list tbody tr")).to_have_count(2)
    shoot(page, "follow-up-list")
    assert errors == []


def test_keyboard_reaches_and_follows_a_chart_link(browser, live_server, known, team_lead):
    page = logged_in_page(browser, live_server, team_lead)
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    # Tab on until a bar of the won/lost chart has the focus, then follow it with Enter.
    for _ in range(150):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
        if label.startswith("Won in"):
            break
    else:
        pytest.fail("no won/lost bar took the keyboard focus")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"stage=won&closed_since=\d{4}-\d\d-01&closed_until="))


def test_phone_layout_fits_the_screen(browser, live_server, known, team_lead):
    page = logged_in_page(browser, live_server, team_lead, viewport=PHONE)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shoot(page, "overview-phone")


def test_statement_shows_its_highlights_and_links(browser, live_server, known, team_lead):
    page = logged_in_page(browser, live_server, team_lead)
    page.goto(live_server.url + reverse("dashboards:statement", args=[known.statement.pk]))
    text = page.locator("#statement-text")
    expect(text.locator("a.mention-country")).to_have_text("Japan")
    expect(text.locator("a.mention-firm")).to_have_text("Tata Advanced")
    expect(text.locator("a.mention-area")).to_have_text("co-development")
    expect(text.locator("a.mention-policy")).to_have_text("FDI")
    # The other team's opportunity feeds it too, but the team lead sees only their own.
    expect(page.get_by_role("region", name="Opportunities it feeds")).to_contain_text(
        "Opportunity a"
    )
    expect(page.locator("body")).not_to_contain_text("Opportunity other")
    shoot(page, "statement")
    text.locator("a.mention-country").click()
    expect(page.get_by_role("heading", name="Japan", level=1)).to_be_visible()
    expect(page.locator("#entity-stages")).to_contain_text("Identified")
    shoot(page, "country")
    page.go_back()
    text.locator("a.mention-firm").click()
    expect(page.get_by_role("heading", name="Tata Advanced", level=1)).to_be_visible()
    shoot(page, "firm")
    page.go_back()
    text.locator("a.mention-area").click()
    expect(page.get_by_role("heading", name="Co-development", level=1)).to_be_visible()
    expect(page.locator("#entity-stages")).to_contain_text("Proposal")
    shoot(page, "area")


def test_a_statement_carrying_script_runs_none(browser, live_server, known, team_lead):
    hostile = (
        "Japan said <script>window.__pwned = 1</script> and "
        '<img src=x onerror="window.__pwned = 2"> then </div><svg onload="window.__pwned=3">'
    )
    statement = StatementFactory(
        title='<script>window.__pwned = 4</script>"><b>bold</b>', text=hostile
    )
    start = hostile.index("<script>")
    MentionFactory(
        statement=statement,
        country=known.japan,
        term="<script>",
        start=start,
        end=start + len("<script>"),
    )
    page = logged_in_page(browser, live_server, team_lead)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + reverse("dashboards:statement", args=[statement.pk]))
    expect(page.locator("#statement-text")).to_contain_text("<script>window.__pwned = 1</script>")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        '<script>window.__pwned = 4</script>"><b>bold</b>'
    )
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#statement-text script, #statement-text img, h1 b").count() == 0
    assert dialogs == []
    shoot(page, "statement-hostile")
    # And on the overview, which lists the newest statements.
    page.goto(live_server.url + "/")
    expect(page.locator("#statements-h + ul")).to_contain_text("<script>window.__pwned = 4")
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_statement_shows_parties_apart_and_a_name_is_accepted(
    browser, live_server, desk_staff, tasks_in_process
) -> None:
    # Extraction (issue 13): parties and other countries apart; a name candidate accepted.
    reference_load()
    statement = statement_from_text(
        "India and France agreed to co-develop jet engines with Kestrel Aircraft Systems. "
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
    expect(names).to_contain_text("Kestrel Aircraft Systems")
    expect(names).to_contain_text("Anil Mehra")
    # Ukraine, a topic listed before him, is no sign of his country; "Shri" is.
    expect(names.locator("li", has_text="Anil Mehra")).to_contain_text("Person · India")
    shoot(page, "statement-parties-and-names")

    item = names.locator("li", has_text="Kestrel Aircraft Systems")
    item.get_by_role("button", name="Accept as new firm").click()

    expect(page.locator(".messages")).to_contain_text("Kestrel Aircraft Systems")
    expect(page.locator("#name-candidates")).not_to_contain_text("Kestrel Aircraft Systems")
    shoot(page, "statement-name-accepted")
    assert Firm.objects.filter(name="Kestrel Aircraft Systems", country__code="FR").exists()


def test_admin_and_api_docs_run_under_the_content_security_policy(
    browser, live_server, known, superuser, no_csp_violations
):
    page = logged_in_page(browser, live_server, superuser)
    response = page.goto(live_server.url + "/admin/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    expect(page.locator("#site-name")).to_contain_text("Defence-partnership tracker")
    # A change form: the admin's own scripts (related-object popups, calendars) and widgets.
    page.goto(
        live_server.url + f"/admin/opportunities/opportunity/{known.opportunities['a'].pk}/change/"
    )
    expect(page.locator("#opportunity_form")).to_be_visible()
    page.locator(".datetimeshortcuts a", has_text="Today").first.click()
    shoot(page, "admin-opportunity-change")
    page.goto(live_server.url + "/admin/opportunities/opportunity/")
    expect(page.locator("#result_list")).to_be_visible()
    # Swagger UI, its start-up script fetched from its own URL, renders the operations.
    page.goto(live_server.url + "/api/docs/")
    # (The schema is built on first request: slow on a loaded machine.)
    expect(page.locator(".opblock").first).to_be_visible(timeout=60_000)
    shoot(page, "api-docs")
    # Proof the watch works: an inline script the policy refuses is reported and never runs.
    page.goto(live_server.url + "/admin/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.__ran = 1'; document.body.appendChild(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("typeof window.__ran") == "undefined"
    assert any("inline script" in text for text in no_csp_violations)
    no_csp_violations.clear()


def test_partnership_page_from_the_country_page_to_a_year(browser, live_server, pair, desk_staff):
    page = logged_in_page(browser, live_server, desk_staff)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + reverse("dashboards:country", args=["JP"]))
    page.locator("#partnerships").get_by_role("link", name="Japan and India").click()
    expect(page).to_have_url(re.compile(r"/dashboards/partnerships/IN-JP/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("India and Japan")
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("India-Japan <b>briefing</b>")  # escaped, shown as text
    expect(timeline).to_contain_text("Follow-up: Plan the joint exercise")
    expect(timeline).to_contain_text("No follow-up among your teams' work")
    expect(timeline).not_to_contain_text("Another team's follow-up")
    expect(timeline).not_to_contain_text("India-US talks")
    expect(page.locator("#pair-stages")).to_contain_text("Identified")
    shoot(page, "partnership")
    page.locator('svg a[aria-label="Statements in 2023: 1"]').click()
    expect(page).to_have_url(re.compile(r"\?since=2023-01-01&until=2023-12-31$"))
    expect(timeline.locator("li.event-statement")).to_have_count(1)
    shoot(page, "partnership-2023")
    assert errors == []
