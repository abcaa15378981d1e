"""Storing the policy openings a batch of statements proposes, as steps of each country's
policy: a statement that says what the policy of a kind now is (a cap, a route) where that
differs from the step in force proposes a new step linked to it; one that repeats the step in
force is linked to that step; one that says no more than that a door opened proposes the
kind's candidate opening, as before any step was recorded.

A batch costs the same few queries whatever its size (plus one per opening it creates)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.functions import Lower

from partners.models import PolicyOpening
from partners.policy_steps import current_step

from ..models import Statement
from .policy import OPENING_TITLES, Proposal, policy_state, step_title
from .reading import Reading

# (country id, kind, lower-cased title): one opening to find or create.
Key = tuple[int, str, str]


def openings_propose(
    statements: list[Statement], readings: dict[int, Reading]
) -> dict[int, list[int]]:
    """Find or create each opening the batch proposes and link it to its statements. Returns
    statement id -> opening ids."""
    proposed = [
        (statement, country_id, kind, proposal)
        for statement in statements
        for (country_id, kind), proposal in sorted(readings[statement.pk].openings.items())
    ]
    if not proposed:
        return {}
    steps = _steps_in_force({(country_id, kind) for _, country_id, kind, _ in proposed})
    wanted: dict[int, list[Key]] = {}
    first: dict[Key, tuple[Statement, Proposal, PolicyOpening | None]] = {}
    for statement, country_id, kind, proposal in proposed:
        current = steps.get((country_id, kind))
        title, previous = _target(kind, proposal, current)
        key = (country_id, kind, title.lower())
        wanted.setdefault(statement.pk, []).append(key)
        # The first statement proposes it; a later one that names a cap or an instrument the
        # first did not gives the opening its wording.
        earlier = first.get(key)
        if earlier is None or (
            (proposal.cap or proposal.instrument) and not (earlier[1].cap or earlier[1].instrument)
        ):
            first[key] = (statement, proposal, previous)
    found = {
        (opening.country_id, opening.kind, opening.lowered): opening
        for opening in PolicyOpening.objects.annotate(lowered=Lower("title")).filter(
            country_id__in={key[0] for key in first}, lowered__in={key[2] for key in first}
        )
    }
    ids = {key: opening.pk for key, opening in found.items()}
    for key, (statement, proposal, previous) in first.items():
        if key not in ids:
            ids[key] = _opening_create(key, statement, proposal, previous)
    _openings_complete(found, first)
    links = {pk: [ids[key] for key in keys] for pk, keys in wanted.items()}
    # Added, never replaced: staff may link openings by hand, and extraction must not undo that.
    through = Statement.policy_openings.through
    through.objects.bulk_create(
        (
            through(statement_id=pk, policyopening_id=opening_id)
            for pk, opening_ids in links.items()
            for opening_id in opening_ids
        ),
        ignore_conflicts=True,
    )
    return links


def _steps_in_force(keys: Iterable[tuple[int, str]]) -> dict[tuple[int, str], PolicyOpening]:
    """(country id, kind) -> the step in force, for the pairs the batch proposes: one query."""
    keys = set(keys)
    steps: dict[tuple[int, str], list[PolicyOpening]] = {}
    for opening in PolicyOpening.objects.filter(
        country_id__in={country_id for country_id, _ in keys},
        kind__in={kind for _, kind in keys},
    ).exclude(status=PolicyOpening.Status.CANDIDATE):
        steps.setdefault((opening.country_id, opening.kind), []).append(opening)
    return {key: current_step(found) for key, found in steps.items() if key in keys}


def _target(
    kind: str, proposal: Proposal, current: PolicyOpening | None
) -> tuple[str, PolicyOpening | None]:
    """(the title of the opening the proposal links to, the step a new one follows)."""
    if current is None or not proposal.sets_state:
        return OPENING_TITLES[kind], None
    said = policy_state(proposal.cap, proposal.route)
    recorded = policy_state(current.cap, current.route)
    if all(part == known or not part for part, known in zip(said, recorded, strict=True)):
        return current.title, None  # it repeats the step in force
    return step_title(kind, proposal), current


def _opening_create(
    key: Key, statement: Statement, proposal: Proposal, previous: PolicyOpening | None
) -> int:
    country_id, kind, _ = key
    title = step_title(kind, proposal) if previous is not None else OPENING_TITLES[kind]
    # iexact, as the unique constraint is on the lower-cased title; get_or_create settles a race
    # with another batch proposing the same opening.
    opening, _ = PolicyOpening.objects.get_or_create(
        country_id=country_id,
        title__iexact=title,
        defaults={
            "title": title,
            "kind": kind,
            "status": PolicyOpening.Status.CANDIDATE,
            "cap": proposal.cap,
            "route": proposal.route,
            "instrument": proposal.instrument,
            "announced_on": statement.published_on,
            "previous": previous,
            "summary": f"Proposed by extraction from “{statement.title}”: {proposal.sentence}",
        },
    )
    return opening.pk


def _openings_complete(found: dict[Key, PolicyOpening], first: dict[Key, tuple]) -> None:
    """A candidate opening proposed before without a cap, route or instrument takes the one a
    later statement names; a value already there (perhaps a desk's) is never replaced."""
    for key, opening in found.items():
        proposal = first.get(key, (None, None))[1]
        if opening.status != PolicyOpening.Status.CANDIDATE or proposal is None:
            continue
        filled = {
            name: getattr(opening, name) or getattr(proposal, name)
            for name in ("cap", "route", "instrument")
        }
        changed = [name for name, value in filled.items() if value != getattr(opening, name)]
        if changed:  # save(): the change is kept in the opening's history
            for name in changed:
                setattr(opening, name, filled[name])
            opening.save(update_fields=[*changed, "updated_at"])
