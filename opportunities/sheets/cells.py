"""One spreadsheet row -> the opportunity's field values, or every field error of the row."""

from __future__ import annotations

import datetime
import decimal
import re
from dataclasses import dataclass
from typing import Any

from statements.sensitivity import Sensitivity

from ..assignment import assignment_refusal
from ..models import CURRENCY_CODES, Opportunity
from ..visibility import sees_every_team

SPLIT = re.compile(r"\s*[;\n]\s*")
STAGES = {value: value for value in Opportunity.Stage.values} | {
    label.casefold(): value for value, label in Opportunity.Stage.choices
}
TEXT_LIMITS = {"title": 250, "description": 100_000, "close_reason": 100_000}
CURRENCIES = set(CURRENCY_CODES)


class RowInvalid(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass
class Lookups:
    """Everything a row may name, loaded once per upload (keys case-folded)."""

    teams: dict[str, int]
    users: dict[str, int]
    memberships: dict[int, set[int]]
    countries: dict[str, int]
    areas: dict[str, int]
    firms: dict[str, int]
    user: Any
    may_assign: bool
    sees_restricted: bool = False

    def see_all(self, user) -> bool:
        return sees_every_team(user)


def _text(name: str, raw: str | None, errors: dict) -> str:
    value = (raw or "").strip() if name == "title" else (raw or "")
    if "\x00" in value:
        errors[name] = ["NUL characters are not allowed."]
    elif len(value) > TEXT_LIMITS[name]:
        errors[name] = [f"At most {TEXT_LIMITS[name]} characters."]
    return value


def _keys(name: str, raw: str | None, known: dict[str, int], errors: dict, fold=True) -> set[int]:
    found, missing = set(), []
    for item in SPLIT.split((raw or "").strip()):
        if not item:
            continue
        key = item.casefold() if fold else item.upper()
        if key in known:
            found.add(known[key])
        else:
            missing.append(item)
    if missing:
        errors[name] = [f"Unknown: {', '.join(missing[:10])}."]
    return found


def _decimal(raw: str | None, errors: dict) -> decimal.Decimal | None:
    if raw in (None, ""):
        return None
    try:
        value = decimal.Decimal(raw.strip().replace(",", ""))
    except decimal.InvalidOperation:
        errors["value"] = ["Not a number."]
        return None
    if not value.is_finite() or value < 0 or value.adjusted() >= 14:
        errors["value"] = ["A non-negative amount below 10^14."]
        return None
    return value.quantize(decimal.Decimal("0.01"))


def _probability(raw: str | None, errors: dict) -> int:
    try:
        value = int(decimal.Decimal((raw or "").strip()))
    except (decimal.InvalidOperation, ValueError, OverflowError):
        errors["probability"] = ["A whole number from 0 to 100."]
        return 0
    if not 0 <= value <= 100:
        errors["probability"] = ["A whole number from 0 to 100."]
    return value


def _date(raw: str | None, errors: dict) -> datetime.date | None:
    if raw in (None, ""):
        return None
    try:
        return datetime.date.fromisoformat(raw.strip()[:10])
    except ValueError:
        errors["expected_close"] = ["A date as YYYY-MM-DD."]
        return None


def clean_sensitivity(raw: str | None, errors: dict, *, cleared: bool) -> str:
    """The label of a `sensitivity` cell; `restricted` only from someone cleared for it (the
    rule of `statements.sensitivity.sensitivity_check`, for a whole sheet at once)."""
    value = (raw or "").strip().lower()
    if value not in Sensitivity.values:
        errors["sensitivity"] = [f"One of {', '.join(Sensitivity.values)}."]
    elif value == Sensitivity.RESTRICTED and not cleared:
        errors["sensitivity"] = [
            "Only people cleared for restricted records may label one restricted."
        ]
    return value


def clean_row(
    row: dict[str, str | None], current: Opportunity | None, lookups: Lookups
) -> tuple[dict[str, Any], dict[str, set[int]]]:
    """Values for the columns present in `row`; raises RowInvalid with every field error."""
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    many: dict[str, set[int]] = {}
    for name in ("title", "description", "close_reason"):
        if name in row:
            values[name] = _text(name, row[name], errors)
    if "stage" in row:
        stage = STAGES.get((row["stage"] or "").strip().casefold())
        if stage is None:
            errors["stage"] = [f"One of {', '.join(Opportunity.Stage.values)}."]
        values["stage"] = stage
    if "team" in row:
        team_id = lookups.teams.get((row["team"] or "").strip().casefold())
        if team_id is None:
            errors["team"] = ["Not one of your teams."]
        values["team_id"] = team_id
    if "owner" in row:
        name = (row["owner"] or "").strip()
        owner_id = lookups.users.get(name.casefold()) if name else None
        if name and owner_id is None:
            errors["owner"] = [f"No active user {name!r}."]
        values["owner_id"] = owner_id
    if "countries" in row:
        many["countries"] = _keys("countries", row["countries"], lookups.countries, errors, False)
    if "areas" in row:
        many["areas"] = _keys("areas", row["areas"], lookups.areas, errors)
    if "firms" in row:
        many["firms"] = _keys("firms", row["firms"], lookups.firms, errors)
    if "value" in row:
        values["value"] = _decimal(row["value"], errors)
    if "currency" in row:
        currency = (row["currency"] or "").strip().upper()
        if currency not in CURRENCIES:
            errors["currency"] = ["An ISO 4217 code such as USD or INR."]
        values["currency"] = currency
    if "probability" in row:
        values["probability"] = _probability(row["probability"], errors)
    if "expected_close" in row:
        values["expected_close"] = _date(row["expected_close"], errors)
    if "sensitivity" in row:
        values["sensitivity"] = clean_sensitivity(
            row["sensitivity"], errors, cleared=lookups.sees_restricted
        )
    _check_whole(values, current, lookups, errors)
    if errors:
        raise RowInvalid(errors)
    return values, many


def _check_whole(values: dict, current: Opportunity | None, lookups: Lookups, errors: dict):
    def final(name: str, default: Any = None) -> Any:
        return values[name] if name in values else getattr(current, name, default)

    if current is None:
        if not values.get("title"):
            errors.setdefault("title", ["A new opportunity needs a title."])
        if "team_id" not in values:
            mine = set(lookups.memberships.get(lookups.user.pk, set()))
            if len(mine) == 1:
                values["team_id"] = mine.pop()
            else:
                errors.setdefault("team", ["Say which team (you are in several or none)."])
    elif "title" in values and not values["title"]:
        errors.setdefault("title", ["The title cannot be blank."])
    stage = final("stage", Opportunity.Stage.IDENTIFIED)
    if stage in Opportunity.CLOSED_STAGES and not (final("close_reason", "") or "").strip():
        errors.setdefault("close_reason", ["Say why the opportunity was won or lost."])
    owner_id, team_id = final("owner_id"), final("team_id")
    owner_changed = owner_id is not None and owner_id != getattr(current, "owner_id", None)
    if "owner_id" in values and owner_changed:
        refusal = assignment_refusal(
            by_id=lookups.user.pk,
            may_assign=lookups.may_assign,
            owner_id=owner_id,
            owner_name="",
            owner_team_ids=lookups.memberships.get(owner_id, set()),
            team_id=team_id,
        )
        if refusal:
            errors.setdefault("owner", [refusal])
