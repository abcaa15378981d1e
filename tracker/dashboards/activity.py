"""One opportunity's activity stream, oldest first: stage changes (who and when, from the
history django-simple-history keeps), notes, follow-ups created and done, statements linked,
suggestions accepted into it and sheet uploads that changed it. A fixed number of queries
whatever the length of the stream: each source is read once and the events merged in Python."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.urls import reverse

from opportunities.models import FollowUp, Opportunity, Suggestion
from opportunities.sheets import SHEET_UPLOAD

from .filters import day_start

# Bumped or stamped by every save: never what a person changed.
UNTRACKED = {"id", "version", "updated_at", "created_at", "stage_changed_at", "closed_at"}


@dataclass(frozen=True)
class Event:
    when: datetime.datetime
    kind: str  # created, stage, sheet, note, follow_up, follow_up_done, statement, suggestion
    who: str
    text: str
    detail: str = ""
    href: str = ""


def person(user) -> str:
    # Rows written outside a request (a script, a fixture) record no one: say nothing then.
    return (user.get_full_name() or user.get_username()) if user else ""


def opportunity_activity(opportunity: Opportunity, follow_ups: list[FollowUp]) -> list[Event]:
    """The stream of `opportunity`, whose statements are prefetched; `follow_ups` are all of
    its follow-ups (the page lists them too)."""
    events = [
        *_history_events(opportunity),
        *_follow_up_events(opportunity, follow_ups),
        *(
            Event(note.created_at, "note", person(note.author), "Note", note.body)
            for note in opportunity.notes.select_related("author")
        ),
    ]
    accepted = list(
        Suggestion.objects.filter(opportunity=opportunity, status=Suggestion.Status.ACCEPTED)
        .select_related("decided_by", "statement")
        .order_by()
    )
    events += [
        Event(
            suggestion.decided_at or suggestion.updated_at,
            "suggestion",
            person(suggestion.decided_by),
            f"Suggestion accepted: {suggestion.title}",
            f"From “{suggestion.statement.title}”",
            reverse("dashboards:statement", args=[suggestion.statement_id]),
        )
        for suggestion in accepted
    ]
    # The link table keeps no time: a statement stands at its own date. One an accepted
    # suggestion brought is already in the stream, at the time it was accepted.
    brought = {suggestion.statement_id for suggestion in accepted}
    events += [
        Event(
            day_start(statement.published_on) if statement.published_on else statement.created_at,
            "statement",
            "",
            f"Statement linked: {statement.title}",
            f"Speaker: {statement.speaker}" if statement.speaker else "",
            href=reverse("dashboards:statement", args=[statement.pk]),
        )
        for statement in opportunity.statements.all()
        if statement.pk not in brought
    ]
    return sorted(events, key=lambda event: event.when)


def _tracked_fields() -> list:
    return [f for f in Opportunity._meta.concrete_fields if f.name not in UNTRACKED]


def _history_events(opportunity: Opportunity) -> list[Event]:
    """Creation, stage changes and sheet uploads, each record compared with the one before."""
    stages = dict(Opportunity.Stage.choices)
    fields = _tracked_fields()
    records = opportunity.history.select_related("history_user").order_by(
        "history_date", "history_id"
    )
    events, before = [], None
    for record in records:
        who = person(record.history_user)
        if before is None or record.history_type == "+":
            events.append(
                Event(record.history_date, "created", who, f"Created in {stages[record.stage]}")
            )
        else:
            changed = [
                f for f in fields if getattr(before, f.attname) != getattr(record, f.attname)
            ]
            moved = before.stage != record.stage
            if record.history_change_reason == SHEET_UPLOAD:
                # The upsert records only rows it changed: with no field changed, its links did
                # (compared here they would cost a query per record).
                names = [str(f.verbose_name) for f in changed]
                detail = ", ".join(names) or "partner countries, firms or areas"
                if moved:
                    detail += f" (stage {stages[before.stage]} → {stages[record.stage]})"
                events.append(Event(record.history_date, "sheet", who, "Sheet upload", detail))
            elif moved:
                closed = record.stage in Opportunity.CLOSED_STAGES
                events.append(
                    Event(
                        record.history_date,
                        "stage",
                        who,
                        f"Stage {stages[before.stage]} → {stages[record.stage]}",
                        record.close_reason if closed else "",
                    )
                )
        before = record
    return events


def _follow_up_events(opportunity: Opportunity, follow_ups: list[FollowUp]) -> list[Event]:
    """Each follow-up's creation and completion, with who did it from their history."""
    created_by, done_by = {}, {}
    records = (
        FollowUp.history.filter(opportunity_id=opportunity.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    last_status = {}
    for record in records:
        if record.history_type == "+":
            created_by[record.id] = record.history_user
        if record.status == FollowUp.Status.DONE and last_status.get(record.id) != "done":
            done_by[record.id] = record.history_user
        last_status[record.id] = record.status
    events = []
    for follow_up in follow_ups:
        due = f"due {follow_up.due_date:%d %b %Y}"
        events.append(
            Event(
                follow_up.created_at,
                "follow_up",
                person(created_by.get(follow_up.pk)),
                f"Follow-up created: {follow_up.title}",
                due,
            )
        )
        if follow_up.status == FollowUp.Status.DONE and follow_up.completed_at:
            events.append(
                Event(
                    follow_up.completed_at,
                    "follow_up_done",
                    person(done_by.get(follow_up.pk)),
                    f"Follow-up done: {follow_up.title}",
                    due,
                )
            )
    return events
