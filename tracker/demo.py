"""A believable demo data set: partners, firms, contacts, policy openings, teams, users,
the project's own sample statements and 60 opportunities with follow-ups and notes.

Running it again changes no data; it only gives the demo users a fresh password."""

from __future__ import annotations

import datetime
import random
import secrets
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from opportunities import roles
from opportunities.models import FollowUp, Note, Opportunity, Team
from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.imports import source_import
from statements.models import RawItem, Source, Statement

SAMPLES = Path(__file__).resolve().parent.parent / "statements" / "samples"
DEMO_PREFIX = "DEMO-"

# name, country, kind, aliases, area slugs, website
FIRMS = [
    (
        "Hindustan Aeronautics Limited",
        "IN",
        "state_owned",
        ["HAL"],
        ["aerospace", "co-development"],
        "https://hal-india.co.in",
    ),
    (
        "Bharat Electronics Limited",
        "IN",
        "state_owned",
        ["BEL", "Bharat Electronics"],
        ["co-innovation", "supply-chains"],
        "https://bel-india.in",
    ),
    (
        "Bharat Dynamics Limited",
        "IN",
        "state_owned",
        ["BDL"],
        ["co-development"],
        "https://bdl-india.in",
    ),
    (
        "Mazagon Dock Shipbuilders Limited",
        "IN",
        "state_owned",
        ["Mazagon Dock Shipbuilders", "MDL"],
        ["naval-systems"],
        "https://mazagondock.in",
    ),
    (
        "Larsen & Toubro",
        "IN",
        "private",
        ["L&T", "Larsen and Toubro"],
        ["naval-systems", "co-innovation"],
        "https://www.larsentoubro.com",
    ),
    (
        "Tata Advanced Systems Limited",
        "IN",
        "private",
        ["Tata Advanced Systems", "TASL"],
        ["aerospace", "investment"],
        "https://www.tataadvancedsystems.com",
    ),
    (
        "Mahindra Defence Systems",
        "IN",
        "private",
        ["Mahindra Defence"],
        ["unmanned-systems"],
        "https://www.mahindradefence.com",
    ),
    (
        "Bharat Forge",
        "IN",
        "private",
        ["Kalyani Strategic Systems"],
        ["co-development", "supply-chains"],
        "https://www.bharatforge.com",
    ),
    (
        "ideaForge Technology",
        "IN",
        "start_up",
        ["ideaForge"],
        ["unmanned-systems"],
        "https://ideaforgetech.com",
    ),
    (
        "Defence Research and Development Organisation",
        "IN",
        "government",
        ["DRDO"],
        ["research-design"],
        "https://www.drdo.gov.in",
    ),
    (
        "Mitsubishi Heavy Industries",
        "JP",
        "private",
        ["MHI"],
        ["naval-systems", "unmanned-systems"],
        "https://www.mhi.com",
    ),
    (
        "Kawasaki Heavy Industries",
        "JP",
        "private",
        ["KHI"],
        ["aerospace", "naval-systems"],
        "https://global.kawasaki.com",
    ),
    (
        "NEC Corporation",
        "JP",
        "private",
        ["NEC"],
        ["co-innovation", "maritime-security"],
        "https://www.nec.com",
    ),
    ("Fujitsu", "JP", "private", [], ["co-innovation"], "https://www.fujitsu.com"),
    (
        "ShinMaywa Industries",
        "JP",
        "private",
        ["ShinMaywa"],
        ["aerospace"],
        "https://www.shinmaywa.co.jp",
    ),
    (
        "Acquisition, Technology and Logistics Agency",
        "JP",
        "government",
        ["ATLA"],
        ["research-design", "technology-transfer"],
        "https://www.mod.go.jp/atla/en/",
    ),
    (
        "Safran",
        "FR",
        "private",
        ["Safran Aircraft Engines"],
        ["aerospace", "technology-transfer"],
        "https://www.safran-group.com",
    ),
    (
        "Dassault Aviation",
        "FR",
        "private",
        ["Dassault"],
        ["aerospace", "mro"],
        "https://www.dassault-aviation.com",
    ),
    (
        "Thales",
        "FR",
        "private",
        ["Thales Group"],
        ["supply-chains", "co-development"],
        "https://www.thalesgroup.com",
    ),
    (
        "Naval Group",
        "FR",
        "state_owned",
        [],
        ["naval-systems", "technology-transfer"],
        "https://www.naval-group.com",
    ),
    ("MBDA", "FR", "private", [], ["co-development"], "https://www.mbda-systems.com"),
    (
        "General Electric Aerospace",
        "US",
        "private",
        ["General Electric", "GE Aerospace"],
        ["aerospace", "co-development"],
        "https://www.geaerospace.com",
    ),
    (
        "Lockheed Martin",
        "US",
        "private",
        [],
        ["aerospace", "investment"],
        "https://www.lockheedmartin.com",
    ),
    (
        "Boeing Defense, Space & Security",
        "US",
        "private",
        ["Boeing"],
        ["aerospace", "mro"],
        "https://www.boeing.com",
    ),
    (
        "General Atomics Aeronautical Systems",
        "US",
        "private",
        ["General Atomics", "GA-ASI"],
        ["unmanned-systems"],
        "https://www.ga-asi.com",
    ),
    ("Shield AI", "US", "start_up", [], ["unmanned-systems", "co-innovation"], "https://shield.ai"),
    (
        "Defence Science and Technology Group",
        "AU",
        "government",
        ["DSTG"],
        ["research-design"],
        "https://www.dst.defence.gov.au",
    ),
    ("Austal", "AU", "private", [], ["naval-systems"], "https://www.austal.com"),
    (
        "BAE Systems",
        "GB",
        "private",
        ["BAE"],
        ["naval-systems", "co-development"],
        "https://www.baesystems.com",
    ),
    (
        "Rolls-Royce",
        "GB",
        "private",
        [],
        ["aerospace", "technology-transfer"],
        "https://www.rolls-royce.com",
    ),
    (
        "Israel Aerospace Industries",
        "IL",
        "state_owned",
        ["IAI"],
        ["aerospace", "unmanned-systems"],
        "https://www.iai.co.il",
    ),
    (
        "Rafael Advanced Defense Systems",
        "IL",
        "state_owned",
        ["Rafael"],
        ["co-development"],
        "https://www.rafael.co.il",
    ),
    ("Elbit Systems", "IL", "private", ["Elbit"], ["unmanned-systems"], "https://elbitsystems.com"),
    (
        "Hanwha Aerospace",
        "KR",
        "private",
        ["Hanwha"],
        ["co-development", "make-in-india"],
        "https://www.hanwhaaerospace.com",
    ),
    (
        "Hyundai Heavy Industries",
        "KR",
        "private",
        ["HD Hyundai Heavy Industries"],
        ["naval-systems"],
        "https://www.hhi.co.kr",
    ),
]

# name, role, country, firm name (or None), aliases
CONTACTS = [
    ("Vinay Kwatra", "Foreign Secretary", "IN", None, ["FS Kwatra", "Shri Vinay Kwatra"]),
    (
        "Narendra Modi",
        "Prime Minister",
        "IN",
        None,
        ["Prime Minister Modi", "PM Modi", "Shri Narendra Modi"],
    ),
    ("Fumio Kishida", "Prime Minister of Japan", "JP", None, ["Prime Minister Kishida"]),
    ("Meera Raghunathan", "Head of International Business", "IN", "Bharat Electronics Limited", []),
    ("Arjun Bhatnagar", "Director, Strategic Partnerships", "IN", "Larsen & Toubro", []),
    ("Kavya Menon", "Vice President, Aerostructures", "IN", "Tata Advanced Systems Limited", []),
    ("Hiroshi Tanabe", "General Manager, India Business", "JP", "Mitsubishi Heavy Industries", []),
    ("Yuki Sakamoto", "Director, Defence Systems", "JP", "NEC Corporation", []),
    ("Camille Laurent", "India Country Director", "FR", "Safran", []),
    ("Julien Moreau", "Head of Industrial Cooperation", "FR", "Naval Group", []),
    ("Rachel Whitfield", "Managing Director, India", "US", "Lockheed Martin", []),
    ("Daniel Ortiz", "Programme Director, F414", "US", "General Electric Aerospace", []),
    ("Sophie Clarke", "Counsellor (Defence Industry)", "AU", None, []),
    ("Oliver Hughes", "Business Development Lead, Asia", "GB", "BAE Systems", []),
    ("Noa Shapiro", "Vice President, Asia-Pacific", "IL", "Israel Aerospace Industries", []),
    ("Min-jun Park", "India Representative", "KR", "Hanwha Aerospace", []),
]

# country, kind, title, instrument, cap, status, effective date, area slugs
POLICY_OPENINGS = [
    (
        "IN",
        "fdi",
        "Defence FDI up to 74% under the automatic route",
        "Press Note 4 (2020 Series)",
        "74% automatic route; beyond 74% government route",
        "in_force",
        datetime.date(2020, 9, 30),
        ["investment"],
    ),
    (
        "IN",
        "procurement",
        "Positive indigenisation lists for defence imports",
        "Ministry of Defence notifications",
        "",
        "in_force",
        datetime.date(2020, 8, 9),
        ["make-in-india"],
    ),
    (
        "IN",
        "incentive",
        "Defence industrial corridors in Uttar Pradesh and Tamil Nadu",
        "Union Budget announcement",
        "",
        "in_force",
        datetime.date(2018, 2, 1),
        ["make-in-india", "investment"],
    ),
    (
        "IN",
        "procurement",
        "Buy (Indian-IDDM) category preference in capital procurement",
        "Defence Acquisition Procedure 2020",
        "",
        "in_force",
        datetime.date(2020, 10, 1),
        ["make-in-india"],
    ),
    (
        "JP",
        "export",
        "Three Principles on Transfer of Defense Equipment and Technology",
        "Cabinet decision",
        "",
        "in_force",
        datetime.date(2014, 4, 1),
        ["technology-transfer", "defence-exports"],
    ),
    (
        "JP",
        "export",
        "Revised guidelines allowing co-developed equipment to be exported",
        "Cabinet decision",
        "",
        "announced",
        datetime.date(2023, 12, 22),
        ["co-development", "defence-exports"],
    ),
    (
        "US",
        "export",
        "Licence exemption for trade with AUKUS partners",
        "ITAR amendment",
        "",
        "in_force",
        datetime.date(2024, 9, 1),
        ["technology-transfer"],
    ),
    (
        "FR",
        "other",
        "Roadmap on defence industrial cooperation with India",
        "Horizon 2047 roadmap",
        "",
        "announced",
        datetime.date(2023, 7, 14),
        ["co-development"],
    ),
]

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

# sample statement file stem -> the partner country it concerns
SAMPLE_PARTNERS = {
    "india-france-engines": "FR",
    "india-australia-maritime": "AU",
    "india-us-fdi-liberalisation": "US",
    "japan-india-industry-forum": "JP",
    "routine-courtesy-call": "KR",
}

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


def demo_load(*, opportunities: int = 60, seed: int = 2026) -> dict:
    """Load the demo set (once) and give every demo user a new printed password."""
    rng = random.Random(seed)
    password = secrets.token_urlsafe(12)
    with transaction.atomic():
        reference_load()
        roles.roles_setup()
        users = _users(password)
        created = not Opportunity.objects.filter(external_id__startswith=DEMO_PREFIX).exists()
        if created:
            _partners()
            statements = _statements()
            teams = _teams(users)
            _opportunities(rng, teams, statements, opportunities)
            # After the opportunities, so suggestions can point at the ones they match.
            for statement in statements.values():
                statement_extract(statement_id=statement.pk)
    return {"password": password, "users": sorted(users), "created": created}


def _users(password: str) -> dict:
    User = get_user_model()
    admin, _ = User.objects.get_or_create(
        username="admin",
        defaults={"email": "admin@example.org", "first_name": "Demo", "last_name": "Admin"},
    )
    admin.is_staff = admin.is_superuser = True
    admin.set_password(password)
    admin.save()
    users = {"admin": admin}
    for username, full_name, _team, role in USERS:
        first, last = full_name.split(" ", 1)
        user, _ = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@example.org"},
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        users[username] = user
    return users


def _partners() -> None:
    countries = Country.objects.in_bulk(field_name="code")
    areas = InvestmentArea.objects.in_bulk(field_name="slug")
    for name, code, kind, aliases, area_slugs, website in FIRMS:
        firm, _ = Firm.objects.get_or_create(
            name=name,
            country=countries[code],
            defaults={"kind": kind, "aliases": aliases, "website": website},
        )
        firm.areas.add(*(areas[slug] for slug in area_slugs))
    firms = {firm.name: firm for firm in Firm.objects.all()}
    for name, role, code, firm_name, aliases in CONTACTS:
        Contact.objects.get_or_create(
            name=name,
            defaults={
                "role": role,
                "country": countries[code],
                "firm": firms.get(firm_name),
                "aliases": aliases,
            },
        )
    for code, kind, title, instrument, cap, status, effective, area_slugs in POLICY_OPENINGS:
        opening, _ = PolicyOpening.objects.get_or_create(
            country=countries[code],
            title=title,
            defaults={
                "kind": kind,
                "instrument": instrument,
                "cap": cap,
                "status": status,
                "effective_date": effective,
            },
        )
        opening.areas.add(*(areas[slug] for slug in area_slugs))


def _statements() -> dict[str, Statement]:
    """The project's sample statements, imported like any folder source, by partner country."""
    source, _ = Source.objects.get_or_create(
        name="Project sample statements",
        defaults={"kind": Source.Kind.FOLDER, "path": str(SAMPLES), "is_active": False},
    )
    source_import(source_id=source.pk)
    stored = {}
    for raw_item in RawItem.objects.filter(source=source).select_related("statement"):
        stored[SAMPLE_PARTNERS.get(Path(raw_item.name).stem, "")] = raw_item.statement
    return stored


def _teams(users: dict) -> dict[str, Team]:
    teams = {}
    for name in TEAMS:
        teams[name], _ = Team.objects.get_or_create(name=name)
    for username, _full_name, team_name, _role in USERS:
        if team_name:
            teams[team_name].members.add(users[username])
    return teams


def _opportunities(rng: random.Random, teams: dict, statements: dict, count: int) -> None:
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
    for number in range(1, count + 1):
        team_name = rng.choice(list(TEAMS))
        team = teams[team_name]
        members = list(team.members.all())
        code = rng.choice(TEAMS[team_name])
        firm = rng.choice(firms_by_country[code])
        theme, area_slug = rng.choice(OPPORTUNITY_THEMES)
        area = areas[area_slug]
        stage = rng.choices(stages, weights)[0]
        closed = stage in Opportunity.CLOSED_STAGES
        opportunity = Opportunity.objects.create(
            title=theme.format(firm=firm.name, capability=rng.choice(CAPABILITIES)),
            description=(
                f"{firm.name} ({countries[code].name}) and an Indian partner; area: {area.name}."
            ),
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
        opportunity.countries.add(countries[code])
        opportunity.firms.add(firm, rng.choice(indian_firms))
        opportunity.areas.add(area)
        if area.slug == "investment" or rng.random() < 0.2:
            opportunity.policy_openings.add(rng.choice(openings))
        if code in statements and rng.random() < 0.5:
            opportunity.statements.add(statements[code])
        contact = rng.choice(contacts)
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
