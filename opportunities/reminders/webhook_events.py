"""The events webhooks announce: stage changes, new suggestions, watch matches and overdue
follow-ups. Each reads its endpoints and records every delivery in a fixed number of queries,
however many records it announces; a restricted record's event only to endpoints that send
restricted records (see webhooks.py).
"""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.utils import timezone

from statements.sensitivity import Sensitivity

from ..models import (
    FollowUp,
    Opportunity,
    Suggestion,
    Team,
    WatchMatch,
    WebhookDelivery,
    WebhookEndpoint,
)
from .webhooks import SUBSCRIPTION, Event, deliveries_record, delivery_label, payload_jsonable


def stage_changed_emit(*, opportunity: Opportunity, previous: str) -> list[int]:
    return stage_changes_emit(changes=[(opportunity, previous)])


def stage_changes_emit(*, changes: list[tuple[Opportunity, str]]) -> list[int]:
    """Announce each (opportunity, previous stage) to its team's subscribed endpoints, once per
    version: a fixed number of queries however many opportunities moved (a sheet moves many)."""
    if not changes:
        return []
    endpoints: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for endpoint_id, team_id, sends_restricted in WebhookEndpoint.objects.filter(
        is_active=True,
        team__in={opportunity.team_id for opportunity, _ in changes},
        **{SUBSCRIPTION[Event.STAGE_CHANGED]: True},
    ).values_list("pk", "team_id", "sends_restricted"):
        endpoints[team_id].append((endpoint_id, sends_restricted))
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=Event.STAGE_CHANGED,
            key=f"stage:{opportunity.pk}:{opportunity.version}",
            payload=payload_jsonable(_stage_change(opportunity, previous)),
            sensitivity=delivery_label(opportunity.sensitivity == Sensitivity.RESTRICTED),
        )
        for opportunity, previous in changes
        for endpoint_id, sends_restricted in endpoints[opportunity.team_id]
        if sends_restricted or opportunity.sensitivity != Sensitivity.RESTRICTED
    ]
    return deliveries_record(Event.STAGE_CHANGED, rows) if rows else []


def _stage_change(opportunity: Opportunity, previous: str) -> dict:
    return {
        "opportunity": {
            "id": opportunity.pk,
            "title": opportunity.title,
            "team_id": opportunity.team_id,
            "owner_id": opportunity.owner_id,
            "stage": opportunity.stage,
            "previous_stage": previous,
            "version": opportunity.version,
        },
        "changed_at": opportunity.stage_changed_at,
    }


def suggestions_created_emit(*, suggestions: list[Suggestion]) -> int:
    """Announce new suggestions to every team's subscribed endpoints (suggestions are
    everyone's to triage). A fixed number of queries however many suggestions."""
    endpoints = list(
        WebhookEndpoint.objects.filter(
            is_active=True, **{SUBSCRIPTION[Event.SUGGESTION_CREATED]: True}
        ).values_list("pk", "sends_restricted")
    )
    if not suggestions or not endpoints:
        return 0
    # A suggestion from a restricted statement tells its title: not to every endpoint.
    restricted = set(
        Suggestion.objects.filter(pk__in=[suggestion.pk for suggestion in suggestions])
        .restricted()
        .values_list("pk", flat=True)
    )
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=Event.SUGGESTION_CREATED,
            key=f"suggestion:{suggestion.pk}",
            payload=payload_jsonable(
                {
                    "suggestion": {
                        "id": suggestion.pk,
                        "title": suggestion.title,
                        "key": suggestion.key,
                        "statement_id": suggestion.statement_id,
                        "opportunity_id": suggestion.opportunity_id,
                    }
                }
            ),
            sensitivity=delivery_label(suggestion.pk in restricted),
        )
        for suggestion in suggestions
        for endpoint_id, sends_restricted in endpoints
        if sends_restricted or suggestion.pk not in restricted
    ]
    return len(deliveries_record(Event.SUGGESTION_CREATED, rows))


def watch_matches_emit(*, matches: list[WatchMatch], restricted: set[int] = frozenset()) -> int:
    """Announce watch matches to the endpoints of the watcher's teams (a match says what one
    person follows, so it goes to their own teams only); a match of a `restricted` statement
    only to endpoints that send restricted records. A fixed number of queries."""
    if not matches:
        return 0
    user_ids = {match.watch.user_id for match in matches}
    teams_of: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in Team.members.through.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "team_id"
    ):
        teams_of[user_id].add(team_id)
    endpoints: dict[int, list[int]] = defaultdict(list)
    cleared_endpoints: set[int] = set()
    for endpoint_id, team_id, sends_restricted in WebhookEndpoint.objects.filter(
        is_active=True,
        team__in=set().union(*teams_of.values()),
        **{SUBSCRIPTION[Event.WATCH_MATCHED]: True},
    ).values_list("pk", "team_id", "sends_restricted"):
        endpoints[team_id].append(endpoint_id)
        if sends_restricted:
            cleared_endpoints.add(endpoint_id)
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=Event.WATCH_MATCHED,
            key=f"watch:{match.watch_id}:{match.statement_id}",
            payload=payload_jsonable(
                {
                    "watch": {
                        "id": match.watch_id,
                        "kind": match.watch.kind,
                        "target": match.watch.target,
                        "user_id": match.watch.user_id,
                    },
                    "statement_id": match.statement_id,
                    "matched_at": match.matched_at,
                }
            ),
        )
        for match in matches
        for team_id in sorted(teams_of[match.watch.user_id])
        for endpoint_id in endpoints[team_id]
        if match.statement_id not in restricted or endpoint_id in cleared_endpoints
    ]
    return len(deliveries_record(Event.WATCH_MATCHED, rows)) if rows else 0


def overdue_emit(*, today: datetime.date | None = None) -> int:
    """Announce each open follow-up past its due date, once per due date, to its team's
    endpoints. A fixed number of queries, plus one insert per batch."""
    today = today or timezone.localdate()
    flag = SUBSCRIPTION[Event.FOLLOW_UP_OVERDUE]
    endpoints: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for pk, team_id, sends_restricted in WebhookEndpoint.objects.filter(
        is_active=True, **{flag: True}
    ).values_list("pk", "team_id", "sends_restricted"):
        endpoints[team_id].append((pk, sends_restricted))
    if not endpoints:
        return 0
    rows = (
        FollowUp.objects.overdue(today)
        .filter(opportunity__team__in=endpoints.keys())
        .with_restricted_flag()
    )
    deliveries = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=Event.FOLLOW_UP_OVERDUE,
            key=f"overdue:{pk}:{due_date}",
            payload=payload_jsonable(
                {
                    "follow_up": {
                        "id": pk,
                        "title": title,
                        "due_date": due_date,
                        "owner_id": owner_id,
                        "opportunity_id": opportunity_id,
                        "days_overdue": (today - due_date).days,
                    }
                }
            ),
            sensitivity=delivery_label(hidden),
        )
        for pk, title, due_date, owner_id, opportunity_id, team_id, hidden in rows.values_list(
            "pk",
            "title",
            "due_date",
            "owner_id",
            "opportunity_id",
            "opportunity__team_id",
            "is_restricted",
        ).iterator(chunk_size=5000)
        for endpoint_id, sends_restricted in endpoints[team_id]
        if sends_restricted or not hidden
    ]
    return len(deliveries_record(Event.FOLLOW_UP_OVERDUE, deliveries))
