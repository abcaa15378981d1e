"""A country's policy over time: each PolicyOpening is one step of the country's policy of its
kind (defence FDI, offsets...), linked to the step it changed. This module reads the chains back:
the state in force now, the steps that led there, and the steps proposed next."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from .models import PolicyOpening

Status = PolicyOpening.Status
# What a step sets; a change is any of these that differs from the step before.
STATE_FIELDS = ("cap", "route", "status")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def step_changes(step: PolicyOpening) -> list[Change]:
    """What `step` changed against the step before it (everything it sets, for a first step).
    Reads `previous` as loaded: load the chain in one query first (see policy_states)."""
    previous = step.previous
    changes = []
    for name in STATE_FIELDS:
        after = _shown(step, name)
        before = _shown(previous, name) if previous is not None else ""
        if after != before and (after or before):
            changes.append(Change(name, before, after))
    return changes


def _shown(step: PolicyOpening, name: str) -> str:
    if name == "cap":
        return step.cap
    return getattr(step, f"get_{name}_display")() if getattr(step, name) else ""


def step_order(step: PolicyOpening) -> tuple[datetime.date, int]:
    """Newest last: by the step's date (undated ones count as their creation day), then id."""
    return (step.dated or step.created_at.date(), step.pk)


@dataclass
class PolicyState:
    """One country's policy of one kind: the step in force (None: nothing recorded beyond
    candidates), the earlier steps that led to it (oldest first, ending with it) and the
    candidate steps proposed from statements after it."""

    country_id: int
    kind: str
    current: PolicyOpening | None
    path: list[PolicyOpening] = field(default_factory=list)
    proposed: list[PolicyOpening] = field(default_factory=list)

    @property
    def label(self) -> str:
        return PolicyOpening.Kind(self.kind).label

    @property
    def steps(self) -> list[tuple[PolicyOpening, list[Change]]]:
        """The path with what each step changed."""
        return [(step, step_changes(step)) for step in self.path]


def current_step(steps: Iterable[PolicyOpening]) -> PolicyOpening | None:
    """The newest step staff have recorded (a candidate from a statement is not yet a state;
    a withdrawal is one)."""
    recorded = [step for step in steps if step.status != Status.CANDIDATE]
    return max(recorded, key=step_order, default=None)


def policy_states(*, country_ids: Iterable[int]) -> list[PolicyState]:
    """The policy state of each kind the countries have openings of, in one query."""
    openings = list(
        PolicyOpening.objects.filter(country_id__in=list(country_ids))
        .select_related("country")
        .order_by("country_id", "kind", "pk")
    )
    by_id = {opening.pk: opening for opening in openings}
    for opening in openings:  # the chain in memory: `previous` never costs a query
        if opening.previous_id is None or opening.previous_id in by_id:
            opening.previous = by_id.get(opening.previous_id)
    groups: dict[tuple[int, str], list[PolicyOpening]] = {}
    for opening in openings:
        groups.setdefault((opening.country_id, opening.kind), []).append(opening)
    states = []
    for (country_id, kind), steps in groups.items():
        current = current_step(steps)
        path, step, seen = [], current, set()
        while step is not None and step.pk not in seen:
            seen.add(step.pk)
            path.append(step)
            step = step.previous
        path.reverse()
        after = step_order(current) if current is not None else None
        proposed = sorted(
            (
                step
                for step in steps
                if step.status == Status.CANDIDATE
                and (current is None or step.previous_id == current.pk or step_order(step) > after)
            ),
            key=step_order,
        )
        states.append(PolicyState(country_id, kind, current, path, proposed))
    kinds = list(PolicyOpening.Kind.values)
    return sorted(states, key=lambda state: (state.country_id, kinds.index(state.kind)))
