"""Webhooks: teams' endpoints receive signed JSON events, delivered by Celery with retries.

An event becomes one WebhookDelivery row per subscribed endpoint (once per event key, under a
unique constraint) inside the caller's transaction; each row is posted by its own task after
commit, so a slow or dead endpoint delays nothing but its own deliveries. URLs obey the same
rules as statement fetching (lib/http): public addresses only, unless named in
STATEMENTS_FETCH_ALLOWED_HOSTS, checked again at every delivery (`delivery.py`).

Sensitivity: whoever reads a receiving system is outside the tracker's permissions, so the
event of a restricted record (an opportunity, a follow-up of one or a restricted follow-up, a
suggestion from a restricted statement) goes only to endpoints with `sends_restricted`, which
only someone cleared for restricted records may turn on; every other endpoint never hears of it.
"""

from __future__ import annotations

import datetime
import json
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from lib.tasks import enqueue_each_after_commit
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
from .delivery import deliver_webhook

Event = WebhookDelivery.Event
SUBSCRIPTION = {
    Event.SUGGESTION_CREATED: "on_suggestion_created",
    Event.STAGE_CHANGED: "on_stage_changed",
    Event.FOLLOW_UP_OVERDUE: "on_follow_up_overdue",
    Event.WATCH_MATCHED: "on_watch_matched",
}


def _queue(delivery_ids: list[int]) -> None:
    if not delivery_ids:
        return

    enqueue_each_after_commit(deliver_webhook, ([delivery_id] for delivery_id in delivery_ids))


def webhooks_emit(
    *,
    event: str,
    key: str,
    data: dict,
    team_ids: Iterable[int] | None = None,
    restricted: bool = False,
) -> list[int]:
    """Record `event` for every active endpoint subscribed to it (of `team_ids`, or of every
    team), at most once per endpoint and key, and queue the deliveries after commit. The
    event of a restricted record (`restricted`) goes only to endpoints that send them."""
    endpoints = WebhookEndpoint.objects.filter(is_active=True, **{SUBSCRIPTION[event]: True})
    if restricted:
        endpoints = endpoints.filter(sends_restricted=True)
    if team_ids is not None:
        endpoints = endpoints.filter(team__in=list(team_ids))
    created = []
    with transaction.atomic():
        for endpoint_id in endpoints.values_list("pk", flat=True):
            delivery, is_new = WebhookDelivery.objects.get_or_create(
                endpoint_id=endpoint_id,
                key=key,
                defaults={
                    "event": event,
                    "payload": _jsonable(data),
                    "sensitivity": _label(restricted),
                },
            )
            if is_new:
                created.append(delivery.pk)
    _queue(created)
    return created


def _label(restricted: bool) -> str:
    """A delivery's own label: restricted when it tells of a restricted record."""
    return Sensitivity.RESTRICTED if restricted else Sensitivity.INTERNAL


def _jsonable(data: dict) -> dict:
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


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
            payload=_jsonable(_stage_change(opportunity, previous)),
            sensitivity=_label(opportunity.sensitivity == Sensitivity.RESTRICTED),
        )
        for opportunity, previous in changes
        for endpoint_id, sends_restricted in endpoints[opportunity.team_id]
        if sends_restricted or opportunity.sensitivity != Sensitivity.RESTRICTED
    ]
    return _record(Event.STAGE_CHANGED, rows) if rows else []


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
            payload=_jsonable(
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
            sensitivity=_label(suggestion.pk in restricted),
        )
        for suggestion in suggestions
        for endpoint_id, sends_restricted in endpoints
        if sends_restricted or suggestion.pk not in restricted
    ]
    return len(_record(Event.SUGGESTION_CREATED, rows))


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
            payload=_jsonable(
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
    return len(_record(Event.WATCH_MATCHED, rows)) if rows else 0


def _record(event: str, rows: list[WebhookDelivery]) -> list[int]:
    """Insert the deliveries not yet recorded (same endpoint and key) and queue the new ones."""
    started = timezone.now()
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
        new_ids = list(
            WebhookDelivery.objects.filter(
                event=event,
                status=WebhookDelivery.Status.PENDING,
                attempts=0,
                created_at__gte=started,
            ).values_list("pk", flat=True)
        )
    _queue(new_ids)
    return new_ids


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
            payload=_jsonable(
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
            sensitivity=_label(hidden),
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
    return len(_record(Event.FOLLOW_UP_OVERDUE, deliveries))


def webhooks_retry(*, deliveries) -> int:
    """Give failed deliveries a fresh set of attempts (admin action)."""
    with transaction.atomic():
        ids = list(
            deliveries.filter(status=WebhookDelivery.Status.FAILED).values_list("pk", flat=True)
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=WebhookDelivery.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
        )
    _queue(ids)
    return len(ids)


def webhooks_requeue_stalled(*, limit: int = 1000) -> list[int]:
    """Queue again the pending deliveries whose next attempt is more than
    WEBHOOKS_STALLED_AFTER seconds overdue: no task is coming for them (the broker was down
    when they were queued or retried). Each is claimed by moving its next attempt to now, so
    two sweeps never queue it twice, and a queued task that runs late finds it still pending
    and simply delivers it."""
    now = timezone.now()
    stalled_before = now - datetime.timedelta(seconds=settings.WEBHOOKS_STALLED_AFTER)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=stalled_before)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        WebhookDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now)
    _queue(ids)
    return ids
