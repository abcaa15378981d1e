"""Each changelist staff use daily, at a laptop's 1366 x 768 with long titles, in Debian's
headless Chromium: no title cell wraps past about three lines, and the page scrolls sideways no
further than its results table. Screenshots go to test-artifacts/admin-laptop/."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from opportunities.models import Opportunity
from tests.browsers import needs_chromium
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory, SuggestionFactory
from tests.partners.factories import ContactFactory, CountryFactory, FirmFactory
from tests.statements.factories import StatementFactory

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "admin-laptop"
WIDTH, HEIGHT = 1366, 768

pytestmark = [needs_chromium, pytest.mark.django_db(transaction=True)]

TITLES = [
    "Joint development of an unmanned surface vessel for littoral mine countermeasures "
    "with technology transfer to a domestic shipyard",
    "Co-production of 155 mm artillery shells and propellant charges under the defence "
    "industrial roadmap, phase two",
    "Maintenance, repair and overhaul hub for P-8I maritime patrol aircraft",
    "Supply of thermal imaging sights",
]

# The changelists, and the column that holds each row's title (its first data cell).
CHANGELISTS = {
    "opportunities": "/admin/opportunities/opportunity/",
    "follow-ups": "/admin/opportunities/followup/",
    "statements": "/admin/statements/statement/",
    "firms": "/admin/partners/firm/",
    "contacts": "/admin/partners/contact/",
    "suggestions": "/admin/opportunities/suggestion/",
}


@pytest.fixture
def busy_desk(team, team_lead):
    """A month of a desk's work: long titles, several partner countries, overdue follow-ups."""
    countries = [CountryFactory(code=code) for code in ("JP", "FR", "US", "AU", "GB", "KR")]
    today = timezone.localdate()
    for n in range(24):
        title = TITLES[n % len(TITLES)]
        opportunity = OpportunityFactory(
            team=team,
            owner=team_lead,
            title=f"{title} ({n})",
            stage=list(Opportunity.Stage)[n % 4],
            value=125_000_000 + n,
            currency=("USD", "EUR", "JPY")[n % 3],
        )
        opportunity.countries.set(countries[: 1 + n % 4])
        FollowUpFactory(
            opportunity=opportunity,
            owner=team_lead,
            title=f"Send the revised offer on the {' '.join(title.lower().split()[:7])}",
            due_date=today + datetime.timedelta(days=n - 8),
        )
        firm = FirmFactory(
            name=f"Mitsubishi Heavy Industries Maritime Systems and Shipbuilding {n} Co., Ltd.",
            country=countries[n % 6],
            website=f"https://www.very-long-domain-of-a-defence-firm-{n}.example.co.jp/en/",
        )
        ContactFactory(
            name=f"Dr. Anjali Raghunathan-Subramaniam {n}",
            role="Joint Secretary (Defence Industrial Production and Exports)",
            firm=firm,
            email=f"anjali.raghunathan-subramaniam.{n}@ministry-of-defence.example.gov.in",
        )
        statement = StatementFactory(
            title=f"Joint statement on the second India-Japan 2+2 ministerial dialogue: {title}",
            speaker="Ministry of External Affairs, Official Spokesperson",
        )
        SuggestionFactory(statement=statement, title=f"{title} ({n})", opportunity=opportunity)


def sign_in(page, base: str, user) -> None:
    page.goto(base + "/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "pass-word-123")
    page.click("input[type=submit]")


MEASURE = """() => {
    const table = document.querySelector('#result_list');
    const rows = [...table.querySelectorAll('tbody tr')];
    const first = rows.map(r => r.querySelector('th, td.field-title, td:nth-child(2)'));
    const lineHeight = parseFloat(getComputedStyle(first[0]).lineHeight) || 18;
    return {
        tallest: Math.max(...first.map(c => c.getBoundingClientRect().height)),
        lineHeight: lineHeight,
        narrowest: Math.min(...first.map(c => c.getBoundingClientRect().width)),
        page: document.documentElement.scrollWidth,
        viewport: document.documentElement.clientWidth,
        tableRight: table.getBoundingClientRect().right + window.scrollX,
        tableWidth: table.scrollWidth,
        resultsWidth: table.parentElement.clientWidth,
        rows: rows.length,
    };
}"""


def test_each_daily_changelist_reads_at_a_laptop_width(
    browser, live_server, team_lead, busy_desk
) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": WIDTH, "height": HEIGHT})
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, team_lead)
    for name, path in CHANGELISTS.items():
        page.goto(live_server.url + path)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        page.screenshot(path=str(ARTIFACTS / f"{name}-full.png"), full_page=True)
        measured = page.evaluate(MEASURE)
        assert measured["rows"] >= 20, name
        # About three lines: padding and a line's leading beside.
        assert measured["tallest"] <= 3.6 * measured["lineHeight"] + 12, (name, measured)
        assert measured["narrowest"] >= 200, (name, measured)
        # Nothing but the results table may push the page wider than the window.
        assert measured["page"] <= max(measured["viewport"], measured["tableRight"] + 40), (
            name,
            measured,
        )
        assert measured["page"] <= measured["viewport"], (name, measured)
        # And the table fits its place: no column cut off behind a scroll bar.
        assert measured["tableWidth"] <= measured["resultsWidth"] + 1, (name, measured)
    page.close()
