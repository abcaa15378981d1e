"""The demo's partners: firms, contacts and policy openings, kept as data in partners.json
(names of real firms and offices, invented people), loaded once beside the reference data."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening

DATA = Path(__file__).resolve().parent / "partners.json"


def partners_load() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    countries = Country.objects.in_bulk(field_name="code")
    areas = InvestmentArea.objects.in_bulk(field_name="slug")
    for row in data["firms"]:
        firm, _ = Firm.objects.get_or_create(
            name=row["name"],
            country=countries[row["country"]],
            defaults={"kind": row["kind"], "aliases": row["aliases"], "website": row["website"]},
        )
        firm.areas.add(*(areas[slug] for slug in row["areas"]))
    firms = {firm.name: firm for firm in Firm.objects.all()}
    for row in data["contacts"]:
        Contact.objects.get_or_create(
            name=row["name"],
            defaults={
                "role": row["role"],
                "country": countries[row["country"]],
                "firm": firms.get(row["firm"]),
                "aliases": row["aliases"],
            },
        )
    for row in data["policy_openings"]:
        effective = row["effective_date"]
        opening, _ = PolicyOpening.objects.get_or_create(
            country=countries[row["country"]],
            title=row["title"],
            defaults={
                "kind": row["kind"],
                "instrument": row["instrument"],
                "cap": row["cap"],
                "status": row["status"],
                "effective_date": datetime.date.fromisoformat(effective) if effective else None,
            },
        )
        opening.areas.add(*(areas[slug] for slug in row["areas"]))
