"""Bulk upserts of firms and contacts from sheet rows, that never make a twin: a row whose name
differs from a stored one only by case, punctuation or legal form (in the same country)
updates that one. A row is matched by `id`, then `external_id` (firms), then its name key,
then the key of an alias; unmatched, it creates a record. Matched by key, the stored spelling
of the name stays (the row's is added as an alias when it is new).

Every table a row may name (countries, areas, the firms and contacts themselves) is read once
per upload, and rows created in the upload are matched by the rows after them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from .merging import aliases_united
from .models import Contact, Country, Firm, InvestmentArea
from .names import firm_key, name_keys, person_key

REPORT_LIMIT = 1000
Row = dict[str, str | None]


@dataclass
class UpsertReport:
    dry_run: bool
    applied: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)


class _RowError(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors


def _split(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(";") if part.strip()]


class _Index:
    """Stored records by id, external id and (country id, key) of their names and aliases."""

    def __init__(self, records: Iterable[models.Model], key: Callable[[str], str], country):
        self.key, self.country_of = key, country
        self.by_id: dict[int, models.Model] = {}
        self.by_external: dict[str, models.Model] = {}
        self.by_name: dict[tuple, models.Model] = {}
        self.by_alias: dict[tuple, models.Model] = {}
        for record in records:
            self.add(record)

    def add(self, record: models.Model) -> None:
        self.by_id[record.pk] = record
        if getattr(record, "external_id", ""):
            self.by_external[record.external_id] = record
        country = self.country_of(record)
        first, *others = name_keys(record.name, record.aliases, self.key)
        self.by_name.setdefault((country, first), record)
        for key in others:
            self.by_alias.setdefault((country, key), record)

    def match(self, row: Row, country: int | None) -> tuple[models.Model | None, bool]:
        """The stored record a row names, and whether it was found by its name's key."""
        if (row.get("id") or "").strip():
            pk = row["id"].strip()
            if not pk.isdigit() or int(pk) not in self.by_id:
                raise _RowError({"id": [f"No record with id {pk}."]})
            return self.by_id[int(pk)], False
        external = (row.get("external_id") or "").strip()
        if external and external in self.by_external:
            return self.by_external[external], False
        name = (row.get("name") or "").strip()
        key = (country, self.key(name))
        found = self.by_name.get(key) or self.by_alias.get(key)
        return found, found is not None


def _write(
    number: int,
    target: models.Model,
    values: dict,
    many: dict,
    *,
    keyed: bool,
    report: UpsertReport,
    user,
    index: _Index,
) -> None:
    created = target.pk is None
    if keyed and "name" in values and values["name"] != target.name:
        # The stored spelling stays; the row's becomes an alias so the gazetteer knows it.
        values["aliases"] = aliases_united(
            target.name, values.get("aliases", target.aliases), [values.pop("name")]
        )
    changed = sorted(
        name for name, value in values.items() if created or getattr(target, name) != value
    )
    changed += sorted(
        name
        for name, rows in many.items()
        if created or set(getattr(target, name).all()) != set(rows)
    )
    if not changed and not created:
        report.unchanged += 1
        return
    before = {name: getattr(target, name) for name in values} if not created else {}
    for name, value in values.items():
        setattr(target, name, value)
    try:
        target.full_clean()
    except ValidationError as error:
        # The index holds this instance for the rows after: it goes back as it is stored.
        for name, value in before.items():
            setattr(target, name, value)
        raise _RowError(error.message_dict) from error
    target._history_user = user
    target.save()
    for name, rows in many.items():
        getattr(target, name).set(rows)
    index.add(target)
    if created:
        report.created += 1
    else:
        report.updated += 1
    if len(report.changes) < REPORT_LIMIT:
        action = "create" if created else "update"
        report.changes.append(
            {
                "row": number,
                "id": target.pk,
                "name": target.name,
                "action": action,
                "fields": changed,
            }
        )


def _run(rows, plan: Callable[[int, Row], None], report: UpsertReport) -> UpsertReport:
    with transaction.atomic():
        for number, row in rows:
            try:
                with transaction.atomic():
                    plan(number, row)
            except _RowError as error:
                report.errors.append(
                    {"row": number, "name": row.get("name"), "errors": error.errors}
                )
        report.applied = not report.dry_run
        if report.dry_run:
            transaction.set_rollback(True)
    return report


def _country(row: Row, codes: dict[str, Country], *, column: str = "country") -> Country | None:
    code = (row.get(column) or "").strip().upper()
    if not code:
        return None
    if code not in codes:
        raise _RowError({column: [f"No country with ISO code {code!r}."]})
    return codes[code]


def _texts(row: Row, names: Iterable[str]) -> dict[str, Any]:
    return {name: (row[name] or "").strip() for name in names if name in row}


def firms_upsert(*, rows: Iterable[tuple[int, Row]], user, dry_run: bool = False) -> UpsertReport:
    """Columns: id, external_id, name, country (ISO code), kind, aliases and areas (slugs),
    each list separated by "; "; website. Only the columns present are written."""
    report = UpsertReport(dry_run=dry_run)
    codes = {country.code: country for country in Country.objects.all()}
    areas = {area.slug: area for area in InvestmentArea.objects.all()}
    index = _Index(Firm.objects.prefetch_related("areas"), firm_key, lambda f: f.country_id)

    def plan(number: int, row: Row) -> None:
        country = _country(row, codes)
        target, keyed = index.match(row, country.pk if country else None)
        if target is None:
            if country is None:
                raise _RowError({"country": ["A new firm needs its country's ISO code."]})
            target = Firm()
        values = _texts(row, ["name", "kind", "website", "external_id"])
        if country is not None:
            values["country"] = country
        if "aliases" in row:
            values["aliases"] = _split(row["aliases"])
        many = {}
        if "areas" in row:
            unknown = [slug for slug in _split(row["areas"]) if slug not in areas]
            if unknown:
                raise _RowError({"areas": [f"No investment area {slug!r}." for slug in unknown]})
            many["areas"] = [areas[slug] for slug in _split(row["areas"])]
        _write(number, target, values, many, keyed=keyed, report=report, user=user, index=index)

    return _run(rows, plan, report)


def contacts_upsert(
    *, rows: Iterable[tuple[int, Row]], user, dry_run: bool = False
) -> UpsertReport:
    """Columns: id, name, role, firm ("Name (JP)" or a firm's id), country (ISO code), aliases
    ("; "), email, phone. A contact's country is its own or its firm's."""
    report = UpsertReport(dry_run=dry_run)
    codes = {country.code: country for country in Country.objects.all()}
    firms = _Index(Firm.objects.all(), firm_key, lambda f: f.country_id)
    index = _Index(
        Contact.objects.select_related("firm"),
        person_key,
        lambda c: c.country_id or (c.firm.country_id if c.firm_id else None),
    )

    def firm_of(row: Row) -> Firm | None:
        value = (row.get("firm") or "").strip()
        if not value:
            return None
        if value.isdigit() and int(value) in firms.by_id:
            return firms.by_id[int(value)]
        name, _, code = value.rpartition("(")
        country = codes.get(code.rstrip(")").strip().upper()) if name else None
        found = firms.by_name.get((country.pk, firm_key(name))) if country else None
        if found is None:
            raise _RowError({"firm": [f'No firm {value!r}; give its id or "Name (JP)".']})
        return found

    def plan(number: int, row: Row) -> None:
        country, firm = _country(row, codes), firm_of(row)
        where = country.pk if country else (firm.country_id if firm else None)
        target, keyed = index.match(row, where)
        values = _texts(row, ["name", "role", "email", "phone"])
        if "country" in row:
            values["country"] = country
        if "firm" in row:
            values["firm"] = firm
        if "aliases" in row:
            values["aliases"] = _split(row["aliases"])
        _write(
            number,
            target or Contact(),
            values,
            {},
            keyed=keyed,
            report=report,
            user=user,
            index=index,
        )

    return _run(rows, plan, report)
