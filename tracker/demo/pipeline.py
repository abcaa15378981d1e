"""The demo pipeline: teams, their desks' partner countries, and generated opportunities with
follow-ups and notes, from a seeded random generator so every run makes the same set."""

from __future__ import annotations

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from opportunities import roles
from opportunities.models import FollowUp, Note, Opportunity, Team
from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening
from statements.models import Statement

DEMO_PREFIX = "DEMO-"

TEAMS = {
    "Japan desk": ["JP", "KR"],
    "Europe desk": ["FR", "GB", "IL"],
    "Americas and Oceania desk": ["US", "AU"],
}

# username, full name, team, role
USERS = [
    ("priya.sharma", "Priya Sharma", "Japan desk", roles.TEAM_LEAD),
    ("rahul.verma", "Rahul Verma", "Japan desk", roles.DESK_STAFF),
    ("anjali.iyer", "Anjali Iyer", "Japan desk", roles.DESK_STAFF),
    ("thomas.dsouza", "Thomas D'Souza", "Europe desk", roles.TEAM_LEAD),
    ("neha.kapoor", "Neha Kapoor", "Europe desk", roles.DESK_STAFF),
    ("vikram.rao", "Vikram Rao", "Americas and Oceania desk", roles.TEAM_LEAD),
    ("sara.khan", "Sara Khan", "Americas and Oceania desk", roles.DESK_STAFF),
    ("aditya.nair", "Aditya Nair", None, roles.ANALYST),
]

# title template, area slug
OPPORTUNITY_THEMES = [
    ("Co-development of {capability} with {firm}", "co-development"),
    ("Co-design of {capability} with {firm} and Indian start-ups", "co-innovation"),
    ("{firm}: technology transfer for {capability}", "technology-transfer"),
    ("Joint venture with {firm} for {capability} under defence FDI", "investment"),
    ("{firm} supplier qualification for {capability}", "supply-chains"),
    ("Make in India line for {firm} {capability}", "make-in-india"),
    ("Local MRO hub for {firm} {capability}", "mro"),
    ("{firm} research partnership on {capability}", "research-design"),
]

CAPABILITIES = [
    "aero-engine hot sections",
    "submarine sonar suites",
    "unmanned ground vehicles",
    "maritime patrol radars",
    "helicopter gearboxes",
    "mission avionics",
    "night-vision sensors",
    "loitering munitions",
    "composite airframe parts",
    "naval gun mounts",
    "satellite datalinks",
    "armoured vehicle powerpacks",
]

FOLLOW_UP_TITLES = [
    ("Call {contact} about next steps", "call"),
    ("Send capability brief to {firm}", "email"),
    ("Meeting with {firm} at the embassy", "meeting"),
    ("Draft note for the Joint Working Group", "document"),
    ("Site visit to {firm} facility", "visit"),
    ("Check FDI approval status with DPIIT", "other"),
]

NOTES = [
    "Spoke to {contact}; they are keen but want clarity on the offset obligations.",
    "{firm} confirmed interest in a joint study; waiting for their board approval.",
    "Raised at the industry forum; ministry wants a one-page summary before the dialogue.",
    "Pricing discussion deferred until the technology transfer scope is agreed.",
]

STAGE_WEIGHTS = {
    "identified": 14,
    "qualifying": 12,
    "engaged": 10,
    "proposal": 8,
    "agreement": 5,
    "won": 4,
    "lost": 4,
    "on_hold": 3,
}
STAGE_PROBABILITY = {
    "identified": 10,
    "qualifying": 20,
    "engaged": 35,
    "proposal": 50,
    "agreement": 75,
    "won": 100,
    "lost": 0,
    "on_hold": 15,
}


def opportunities_create(
    rng: random.Random, teams: dict[str, Team], statements: dict[str, Statement], count: int
) -> None:
    """`count` opportunities spread over the teams' partner countries, each with 1-3 follow-ups
    and up to 2 notes; the sample statements link to some of their country's."""
    countries = Country.objects.in_bulk(field_name="code")
    areas = InvestmentArea.objects.in_bulk(field_name="slug")
    firms_by_country = {}
    for firm in Firm.objects.select_related("country").exclude(country__code="IN"):
        firms_by_country.setdefault(firm.country.code, []).append(firm)
    indian_firms = list(Firm.objects.filter(country__code="IN"))
    contacts = list(Contact.objects.exclude(firm=None))
    openings = list(PolicyOpening.objects.filter(country__code="IN"))
    stages = list(STAGE_WEIGHTS)
    weights = list(STAGE_WEIGHTS.values())
    today = timezone.localdate()
    # The random draws keep their order, so a seed gives the same data set as before.
    for number in range(1, count + 1):
        team_name = rng.choice(list(TEAMS))
        team = teams[team_name]
        members = list(team.members.all())
        code = rng.choice(TEAMS[team_name])
        firm = rng.choice(firms_by_country[code])
        theme, area_slug = rng.choice(OPPORTUNITY_THEMES)
        area = areas[area_slug]
        stage = rng.choices(stages, weights)[0]
        opportunity = _opportunity_new(
            rng, number, team, members, firm, countries[code], area, theme, stage, today
        )
        opportunity.countries.add(countries[code])
        opportunity.firms.add(firm, rng.choice(indian_firms))
        opportunity.areas.add(area)
        if area.slug == "investment" or rng.random() < 0.2:
            opportunity.policy_openings.add(rng.choice(openings))
        if code in statements and rng.random() < 0.5:
            opportunity.statements.add(statements[code])
        _activity_add(rng, opportunity, members, rng.choice(contacts), firm, today)


def _opportunity_new(
    rng: random.Random,
    number: int,
    team: Team,
    members: list,
    firm: Firm,
    country: Country,
    area: InvestmentArea,
    theme: str,
    stage: str,
    today: datetime.date,
) -> Opportunity:
    closed = stage in Opportunity.CLOSED_STAGES
    return Opportunity.objects.create(
        title=theme.format(firm=firm.name, capability=rng.choice(CAPABILITIES)),
        description=f"{firm.name} ({country.name}) and an Indian partner; area: {area.name}.",
        stage=stage,
        team=team,
        owner=rng.choice(members),
        value=Decimal(rng.randrange(5, 900)) * Decimal("1000000"),
        currency=rng.choice(["USD", "INR", "EUR", "JPY"]),
        probability=STAGE_PROBABILITY[stage],
        expected_close=today + datetime.timedelta(days=rng.randrange(-60, 540)),
        close_reason=(
            "Contract signed after the joint working group."
            if stage == "won"
            else "Partner chose a competing offer."
            if stage == "lost"
            else ""
        ),
        closed_at=timezone.now() - datetime.timedelta(days=rng.randrange(1, 200))
        if closed
        else None,
        external_id=f"{DEMO_PREFIX}{number:03d}",
    )


def _activity_add(
    rng: random.Random,
    opportunity: Opportunity,
    members: list,
    contact: Contact,
    firm: Firm,
    today: datetime.date,
) -> None:
    """1-3 follow-ups (all done on a closed opportunity) and up to 2 notes."""
    closed = opportunity.stage in Opportunity.CLOSED_STAGES
    for _ in range(rng.randrange(1, 4)):
        title, kind = rng.choice(FOLLOW_UP_TITLES)
        done = closed or rng.random() < 0.25
        FollowUp.objects.create(
            opportunity=opportunity,
            title=title.format(contact=contact.name, firm=firm.name),
            owner=rng.choice(members),
            due_date=today + datetime.timedelta(days=rng.randrange(-20, 45)),
            kind=kind,
            status=FollowUp.Status.DONE if done else FollowUp.Status.OPEN,
            completed_at=timezone.now() if done else None,
        )
    for _ in range(rng.randrange(0, 3)):
        Note.objects.create(
            opportunity=opportunity,
            author=rng.choice(members),
            body=rng.choice(NOTES).format(contact=contact.name, firm=firm.name),
        )
