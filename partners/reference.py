"""Reference data: every country (pycountry plus our demonyms and aliases) and the starter tree
of investment areas. Loading only creates what is missing, so staff edits are never undone."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.db import transaction

from .models import Country, InvestmentArea

COUNTRY_DATA = Path(__file__).parent / "data" / "countries.csv"


@dataclass(frozen=True)
class AreaSpec:
    slug: str
    name: str
    keywords: tuple[str, ...]
    parent: str | None = None
    description: str = ""


INVESTMENT_AREAS: tuple[AreaSpec, ...] = (
    AreaSpec(
        "industrial-cooperation",
        "Industrial cooperation",
        (),
        description="Building, owning and sustaining defence capability together.",
    ),
    AreaSpec(
        "co-development",
        "Co-development and co-production",
        (
            "co-development",
            "co-develop",
            "co-production",
            "co-produce",
            "joint production",
            "joint development",
            "jointly develop",
            "jointly produce",
        ),
        parent="industrial-cooperation",
    ),
    AreaSpec(
        "co-innovation",
        "Co-innovation, co-design and co-creation",
        ("co-innovation", "co-design", "co-creation", "joint innovation", "innovation partnership"),
        parent="industrial-cooperation",
    ),
    AreaSpec(
        "technology-transfer",
        "Technology transfer",
        (
            "technology transfer",
            "transfer of technology",
            "transfer of technologies",
            "technology sharing",
        ),
        parent="industrial-cooperation",
    ),
    AreaSpec(
        "make-in-india",
        "Localisation and Make in India",
        (
            "Make in India",
            "Atmanirbhar",
            "Atmanirbharta",
            "Atmanirbharata",
            "Atmanirbharatha",
            "Aatmanirbhar Bharat",
            "self-reliance",
            "indigenisation",
            "indigenization",
            "indigenous content",
            "localisation",
            "localization",
        ),
        parent="industrial-cooperation",
    ),
    AreaSpec(
        "mro",
        "Maintenance, repair and overhaul",
        ("maintenance, repair and overhaul", "MRO", "repair and overhaul"),
        parent="industrial-cooperation",
    ),
    AreaSpec(
        "investment",
        "FDI and investment",
        (
            "foreign direct investment",
            "FDI",
            "investment partnership",
            "investment collaboration",
            "private sector investment",
            "private sector investments",
            "joint venture",
            "joint ventures",
            "defence investment",
        ),
        description="Foreign direct investment, joint ventures and investment partnerships.",
    ),
    AreaSpec(
        "research-design",
        "Research, design and development",
        (
            "research and development",
            "R&D",
            "research and design",
            "research, design",
            "joint research",
            "design and development",
            "science and technology",
        ),
    ),
    AreaSpec(
        "supply-chains",
        "Supply chains",
        (
            "supply chain",
            "supply chains",
            "trusted supply chains",
            "resilient supply chains",
            "trusted suppliers",
            "critical minerals",
        ),
    ),
    AreaSpec(
        "military-cooperation",
        "Military cooperation",
        (),
        description="Service-to-service cooperation between armed forces.",
    ),
    AreaSpec(
        "training-exercises",
        "Training and exercises",
        (
            "training",
            "exercise",
            "exercises",
            "joint exercise",
            "joint exercises",
            "staff talks",
            "military exchanges",
        ),
        parent="military-cooperation",
    ),
    AreaSpec(
        "maritime-security",
        "Maritime security and domain awareness",
        (
            "maritime domain awareness",
            "maritime security",
            "white-shipping",
            "maritime surveillance",
        ),
        parent="military-cooperation",
    ),
    AreaSpec(
        "capabilities",
        "Capabilities and platforms",
        (),
        description="Platforms and systems that partnerships build.",
    ),
    AreaSpec(
        "aerospace",
        "Aerospace and aero-engines",
        (
            "aero-engine",
            "aero-engines",
            "jet engine",
            "jet engines",
            "fighter aircraft",
            "helicopters",
        ),
        parent="capabilities",
    ),
    AreaSpec(
        "naval-systems",
        "Shipbuilding and submarines",
        ("shipbuilding", "submarine", "submarines", "warships", "naval platforms"),
        parent="capabilities",
    ),
    AreaSpec(
        "unmanned-systems",
        "Unmanned and autonomous systems",
        (
            "unmanned",
            "unmanned ground vehicles",
            "unmanned aerial vehicles",
            "UAV",
            "UAVs",
            "drones",
            "autonomous systems",
        ),
        parent="capabilities",
    ),
    AreaSpec(
        "defence-exports",
        "Defence exports",
        ("defence exports", "defense exports", "export market", "exports"),
    ),
)


def _split(cell: str) -> list[str]:
    return [term.strip() for term in cell.split("|") if term.strip()]


def countries_load() -> int:
    """Create every ISO 3166 country that is missing. Returns how many were created."""
    extras = {}
    with COUNTRY_DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            extras[row["alpha_2"]] = (_split(row["demonyms"]), _split(row["aliases"]))
    existing = set(Country.objects.values_list("code", flat=True))
    missing = []
    for record in pycountry.countries:
        if record.alpha_2 in existing:
            continue
        demonyms, aliases = extras.get(record.alpha_2, ([], []))
        common_name = getattr(record, "common_name", None)
        if common_name and common_name != record.name:
            # "Korea, Republic of" reads badly; keep the formal form as an alias.
            aliases = [record.name, *aliases]
        missing.append(
            Country(
                code=record.alpha_2,
                alpha_3=record.alpha_3,
                name=common_name or record.name,
                official_name=getattr(record, "official_name", ""),
                demonyms=demonyms,
                aliases=aliases,
            )
        )
    Country.objects.bulk_create(missing)
    return len(missing)


def investment_areas_load() -> int:
    """Create the starter areas that are missing. Returns how many were created."""
    existing = list(InvestmentArea.objects.all())
    by_slug = {area.slug: area for area in existing}
    names = {area.name.casefold() for area in existing}
    created = 0
    for spec in INVESTMENT_AREAS:
        # Staff may have renamed the slug or the name; either one still marks the area present.
        if spec.slug in by_slug or spec.name.casefold() in names:
            continue
        by_slug[spec.slug] = InvestmentArea.objects.create(
            slug=spec.slug,
            name=spec.name,
            parent=by_slug.get(spec.parent) if spec.parent else None,
            keywords=list(spec.keywords),
            description=spec.description,
        )
        created += 1
    return created


def reference_load() -> dict[str, int]:
    with transaction.atomic():
        return {"countries": countries_load(), "investment areas": investment_areas_load()}
