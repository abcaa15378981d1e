"""The demo's partners: firms, contacts and policy openings, kept as data in partners.json
(names of real firms and offices, invented people), loaded once beside the reference data,
and a few near-duplicate "twins" of them for the admin's possible duplicates."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening
from partners.names import firm_key
from partners.reference import firms_by_key

DATA = Path(__file__).resolve().parent / "partners.json"


def partners_load() -> None:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    countries = Country.objects.in_bulk(field_name="code")
    areas = InvestmentArea.objects.in_bulk(field_name="slug")
    # The reference data holds most of these firms already (load_reference ran first): the
    # demo gives them their areas and website instead of a twin.
    by_key = firms_by_key()
    firms = {}
    for row in data["firms"]:
        country = countries[row["country"]]
        firm = by_key.get((country.pk, firm_key(row["name"])))
        if firm is None:
            firm = Firm.objects.create(
                name=row["name"], country=country, kind=row["kind"], aliases=row["aliases"]
            )
        if not firm.website:
            firm.website = row["website"]
            firm.save(update_fields=["website", "updated_at"])
        firm.areas.add(*(areas[slug] for slug in row["areas"]))
        firms[row["name"]] = firm
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
    _twins_load(data["twins"], countries, firms)


def _twins_load(twins: dict, countries: dict, firms: dict) -> None:
    """A few records as a second desk would have typed them ("BHARAT FORGE LTD", "Tanabe
    Hiroshi"), so the admin's possible duplicates have something to show. Deliberately not
    matched by key as above; a twin is created only while no record of its country bears its
    name or alias, so a second run, or a run after staff merged it away (the loser's name is
    kept as the survivor's alias), brings none back."""
    for row in twins["firms"]:
        country = countries[row["country"]]
        if not _named(Firm.objects.filter(country=country), row["name"]):
            firms[row["name"]] = Firm.objects.create(
                name=row["name"], country=country, kind=row["kind"], aliases=row["aliases"]
            )
    for row in twins["contacts"]:
        country = countries[row["country"]]
        if not _named(Contact.objects.filter(country=country), row["name"]):
            Contact.objects.create(
                name=row["name"],
                role=row["role"],
                country=country,
                firm=firms.get(row["firm"]),
                aliases=row["aliases"],
            )


def _named(rows, name: str) -> bool:
    """Whether one of `rows` (a country's firms or contacts, a few dozen) has `name` as its
    name or an alias, case aside."""
    wanted = name.casefold()
    return any(
        wanted == other.casefold()
        for own, aliases in rows.values_list("name", "aliases")
        for other in [own, *(alias for alias in aliases or [] if isinstance(alias, str))]
    )
