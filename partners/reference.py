"""Reference data: every country (pycountry plus our demonyms and aliases), the starter tree of
investment areas (`data/areas.json`), the vocabulary of terms (`data/terms.csv`) and the
well-known defence firms and agencies (`data/firms.csv`), so that a statement naming only its
firms ("BEL and Thales sign an MoU") still tells which countries are partnering.

Loading creates what is missing and adds to existing rows only the aliases and keywords that
are new to the data since the last load (each row keeps what the load last wrote in
`reference_terms`), so a term staff removed or a name staff changed is never undone."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path

import pycountry
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .models import Country, Firm, InvestmentArea, Term
from .names import firm_key, name_keys
from .translations import translated_names

DATA = Path(__file__).parent / "data"
COUNTRY_DATA = DATA / "countries.csv"
AREA_DATA = DATA / "areas.json"
TERM_DATA = DATA / "terms.csv"
FIRM_DATA = DATA / "firms.csv"


@dataclass(frozen=True)
class AreaSpec:
    slug: str
    name: str
    keywords: tuple[str, ...]
    parent: str | None = None
    description: str = ""


def _areas_read() -> tuple[AreaSpec, ...]:
    with AREA_DATA.open(encoding="utf-8") as handle:
        return tuple(
            AreaSpec(
                slug=row["slug"],
                name=row["name"],
                keywords=tuple(row.get("keywords", ())),
                parent=row.get("parent"),
                description=row.get("description", ""),
            )
            for row in json.load(handle)
        )


INVESTMENT_AREAS: tuple[AreaSpec, ...] = _areas_read()


def _split(cell: str) -> list[str]:
    return [term.strip() for term in cell.split("|") if term.strip()]


def terms_merged(current: list[str], before: list[str], now: list[str]) -> list[str]:
    """`current` plus the terms of `now` that the last load did not write (`before`) and that
    `current` lacks in any case: what staff removed stays removed, what is new arrives."""
    had = {term.casefold() for term in [*current, *before]}
    return [*current, *(term for term in now if term.casefold() not in had)]


def _country_extras() -> dict[str, tuple[list[str], list[str]]]:
    extras = {}
    with COUNTRY_DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            extras[row["alpha_2"]] = (_split(row["demonyms"]), _split(row["aliases"]))
    return extras


def _flat(by_language: dict[str, list[str]]) -> list[str]:
    return [name for names in by_language.values() for name in names]


def translations_merged(
    current: dict[str, list[str]], before: list[str], now: dict[str, list[str]]
) -> dict[str, list[str]]:
    """`terms_merged` per language: a name staff removed from a language stays removed."""
    merged = {language: list(names) for language, names in (current or {}).items()}
    for language, names in now.items():
        if kept := terms_merged(merged.get(language, []), before, names):
            merged[language] = kept
    return merged


def countries_load() -> int:
    """Create every ISO 3166 country that is missing and bring new aliases, demonyms and names
    in other languages to the others. Returns how many were created."""
    extras = _country_extras()
    existing = {country.code: country for country in Country.objects.all()}
    translations = translated_names({record.alpha_2 for record in pycountry.countries})
    missing, changed, now = [], [], timezone.now()
    for record in pycountry.countries:
        demonyms, aliases = extras.get(record.alpha_2, ([], []))
        common_name = getattr(record, "common_name", None)
        if common_name and common_name != record.name:
            # "Korea, Republic of" reads badly; keep the formal form as an alias.
            aliases = [record.name, *aliases]
        names = translations[record.alpha_2]
        written = [*aliases, *demonyms, *_flat(names)]
        country = existing.get(record.alpha_2)
        if country is None:
            missing.append(
                Country(
                    code=record.alpha_2,
                    alpha_3=record.alpha_3,
                    name=common_name or record.name,
                    official_name=getattr(record, "official_name", ""),
                    demonyms=demonyms,
                    aliases=aliases,
                    translated_names=names,
                    reference_terms=written,
                )
            )
            continue
        before = country.reference_terms or []
        merged = (
            terms_merged(country.aliases or [], before, aliases),
            terms_merged(country.demonyms or [], before, demonyms),
            translations_merged(country.translated_names, before, names),
        )
        if merged != (country.aliases, country.demonyms, country.translated_names) or (
            before != written
        ):
            country.aliases, country.demonyms, country.translated_names = merged
            # bulk_update leaves auto_now alone; the gazetteer's version check needs the bump.
            country.reference_terms, country.updated_at = written, now
            changed.append(country)
    Country.objects.bulk_create(missing)
    fields = ["aliases", "demonyms", "translated_names", "reference_terms", "updated_at"]
    Country.objects.bulk_update(changed, fields, batch_size=100)
    return len(missing)


def investment_areas_load() -> int:
    """Create the starter areas that are missing and bring new keywords to the others.
    Returns how many were created."""
    existing = list(InvestmentArea.objects.all())
    by_slug = {area.slug: area for area in existing}
    by_name = {area.name.casefold(): area for area in existing}
    created = 0
    for spec in INVESTMENT_AREAS:
        # Staff may have renamed the slug or the name; either one still marks the area present.
        area = by_slug.get(spec.slug) or by_name.get(spec.name.casefold())
        if area is not None:
            before = area.reference_terms or []
            keywords = terms_merged(area.keywords or [], before, list(spec.keywords))
            if keywords != area.keywords or before != list(spec.keywords):
                area.keywords, area.reference_terms = keywords, list(spec.keywords)
                area.save(update_fields=["keywords", "reference_terms", "updated_at"])
            by_slug.setdefault(spec.slug, area)
            continue
        by_slug[spec.slug] = InvestmentArea.objects.create(
            slug=spec.slug,
            name=spec.name,
            parent=by_slug.get(spec.parent) if spec.parent else None,
            keywords=list(spec.keywords),
            reference_terms=list(spec.keywords),
            description=spec.description,
        )
        created += 1
    return created


def terms_load() -> int:
    """Create the vocabulary's missing terms; existing ones (edited or switched off by staff)
    are left as they are. Returns how many were created."""
    existing = {
        (kind, phrase.casefold()) for kind, phrase in Term.objects.values_list("kind", "phrase")
    }
    missing = {}
    with TERM_DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (row["kind"], row["phrase"].casefold())
            if key not in existing and key not in missing:
                missing[key] = Term(
                    kind=row["kind"], phrase=row["phrase"], opening_kind=row["opening_kind"]
                )
    Term.objects.bulk_create(missing.values())
    return len(missing)


def firms_by_key() -> dict[tuple[int, str], Firm]:
    """Every stored firm by (country id, key) of its name and of each alias: the firm a name
    of that country stands for, legal forms and punctuation aside."""
    return {
        (firm.country_id, key): firm
        for firm in Firm.objects.all()
        for key in name_keys(firm.name, firm.aliases, firm_key)
    }


def firms_load() -> int:
    """Create the reference firms that the database does not hold yet, matched by country and
    by the key of any of their names ("Hindustan Aeronautics Ltd" is HAL): a firm staff entered
    or edited is never changed, nor given a twin. Returns how many were created."""
    countries = dict(Country.objects.values_list("code", "pk"))
    known = set(firms_by_key())
    missing = []
    with FIRM_DATA.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            country_id = countries[row["country"]]
            names = [row["name"], *_split(row["aliases"])]
            keys = {(country_id, key) for key in name_keys(names[0], names[1:], firm_key)}
            if keys & known:
                continue
            known |= keys
            missing.append(
                Firm(name=row["name"], country_id=country_id, kind=row["kind"], aliases=names[1:])
            )
    bulk_create_with_history(missing, Firm, batch_size=500)
    return len(missing)


def reference_load(*, firms: bool = True) -> dict[str, int]:
    """Load every part of the reference data; `firms=False` leaves out the firms (for tests
    that build the firms they need)."""
    with transaction.atomic():
        created = {
            "countries": countries_load(),
            "investment areas": investment_areas_load(),
            "terms": terms_load(),
        }
        if firms:
            created["firms"] = firms_load()
        return created
