"""The daily digest: one mail per person with their follow-ups, stale work and the new
statements that matched their watches; this module reads them (digest_mail.py sends them).

Everything is read in a fixed number of queries, however many people there are.
"""

from __future__ import annotations

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse

from statements.sensitivity import cleared_user_ids

from ..models import DigestLog, FollowUp, Opportunity, Team, WatchMatch

log = logging.getLogger(__name__)

# Past this many items a section says "and N more" and links to the full list.
SECTION_LIMIT = 50
WEEK = 7


@dataclass
class Item:
    title: str
    url: str
    due_date: datetime.date | None = None
    opportunity: str = ""
    detail: str = ""


@dataclass
class Section:
    title: str
    items: list[Item] = field(default_factory=list)
    more_url: str = ""

    @property
    def shown(self) -> list[Item]:
        return self.items[:SECTION_LIMIT]

    @property
    def hidden(self) -> int:
        return max(0, len(self.items) - SECTION_LIMIT)


@dataclass
class Digest:
    user_id: int
    due_today: Section
    overdue: Section
    this_week: Section
    stale: Section
    watching: Section
    team_overdue: list[Section] = field(default_factory=list)

    @property
    def sections(self) -> list[Section]:
        return [
            self.overdue,
            self.due_today,
            self.this_week,
            self.stale,
            *self.team_overdue,
            self.watching,
        ]

    @property
    def item_count(self) -> int:
        return sum(len(section.items) for section in self.sections)


class Links:
    def __init__(self) -> None:
        site = settings.TRACKER_SITE_URL
        self.follow_ups = site + reverse("admin:opportunities_followup_changelist")
        self.opportunities = site + reverse("admin:opportunities_opportunity_changelist")
        self.watching = site + reverse("dashboards:watching")
        self.site = site

    def follow_up(self, pk: int) -> str:
        return f"{self.follow_ups}{pk}/change/"

    def opportunity(self, pk: int) -> str:
        return f"{self.opportunities}{pk}/change/"

    def statement(self, pk: int) -> str:
        return self.site + reverse("dashboards:statement", args=[pk])


def _new_digest(user_id: int, links: Links) -> Digest:
    return Digest(
        user_id=user_id,
        overdue=Section("Overdue", more_url=f"{links.follow_ups}?mine=open&due=overdue"),
        due_today=Section("Due today", more_url=f"{links.follow_ups}?mine=open&due=today"),
        this_week=Section("Due this week", more_url=f"{links.follow_ups}?mine=open&due=week"),
        stale=Section("Quiet too long", more_url=f"{links.opportunities}?owned=me&stale=yes"),
        watching=Section("New statements you watch", more_url=links.watching),
    )


def lead_team_ids(*, exclude=()) -> dict[int, set[int]]:
    """Team leads (members holding the assign permission) and the teams they lead."""
    perm = Permission.objects.filter(
        content_type__app_label="opportunities", codename="assign_opportunity"
    )
    leads = get_user_model().objects.filter(
        Q(groups__permissions__in=perm) | Q(user_permissions__in=perm), is_active=True
    )
    teams: dict[int, set[int]] = defaultdict(set)
    for user_id, team_id in (
        Team.members.through.objects.filter(user__in=leads.values("pk"))
        .exclude(user__in=exclude)
        .values_list("user_id", "team_id")
    ):
        teams[user_id].add(team_id)
    return teams


def digests_collect(*, day: datetime.date, now: datetime.datetime) -> dict[int, Digest]:
    """Every digest due on `day`, by user id; people with nothing to read are left out."""
    links = Links()
    digests: dict[int, Digest] = {}

    def digest_of(user_id: int) -> Digest:
        if user_id not in digests:
            digests[user_id] = _new_digest(user_id, links)
        return digests[user_id]

    # People already sent (or being sent) today's digest are not read again: a second run is
    # cheap. The claim in digest_mail.digests_deliver is what guarantees nobody gets two.
    already = DigestLog.objects.filter(day=day).values("user_id")
    _add_follow_ups(digest_of, already, day, links)
    _add_stale(digest_of, already, now, links)
    _add_watching(digest_of, already, now, links)
    leads = lead_team_ids(exclude=already)
    if leads:
        _add_team_overdue(digest_of, leads, day, settings.REMINDERS_LEAD_OVERDUE_DAYS, links)
    return digests


def _add_follow_ups(digest_of, already, day: datetime.date, links: Links) -> None:
    """Each owner's open follow-ups: overdue, due today, due within the week."""
    week_end = day + datetime.timedelta(days=WEEK)
    follow_ups = (
        FollowUp.objects.filter(status=FollowUp.Status.OPEN, owner__isnull=False)
        .readable_by_their("owner")
        .exclude(owner__in=already)
        .filter(due_date__lte=week_end)
        .order_by("owner_id", "due_date", "pk")
        .values_list("pk", "owner_id", "title", "due_date", "opportunity__title")
    )
    for pk, owner_id, title, due_date, opportunity in follow_ups.iterator(chunk_size=5000):
        digest = digest_of(owner_id)
        section = (
            digest.overdue
            if due_date < day
            else digest.due_today
            if due_date == day
            else digest.this_week
        )
        section.items.append(Item(title, links.follow_up(pk), due_date, opportunity))


def _add_stale(digest_of, already, now: datetime.datetime, links: Links) -> None:
    """Each owner's open opportunities quiet for longer than their stage allows."""
    stale = (
        Opportunity.objects.stale(now)
        .filter(owner__isnull=False)
        .readable_by_their("owner")
        .exclude(owner__in=already)
        .order_by("owner_id", "last_activity", "pk")
        .values_list("pk", "owner_id", "title", "stage", "last_activity")
    )
    for pk, owner_id, title, stage, last_activity in stale.iterator(chunk_size=5000):
        quiet = (now - last_activity).days
        detail = f"{Opportunity.Stage(stage).label}, quiet for {quiet} days"
        digest_of(owner_id).stale.items.append(Item(title, links.opportunity(pk), detail=detail))


def _add_watching(digest_of, already, now: datetime.datetime, links: Links) -> None:
    """New statements matching each person's watches, matched since the last morning's digest:
    a day back from now."""
    matches = (
        WatchMatch.objects.filter(
            matched_at__gt=now - datetime.timedelta(days=1), watch__user__is_active=True
        )
        .exclude(watch__user__in=already)
        .select_related(
            "watch__country", "watch__partner", "watch__firm__country", "watch__area", "statement"
        )
        .order_by("watch__user_id", "-matched_at", "pk")
    )
    for match in matches.iterator(chunk_size=2000):
        digest_of(match.watch.user_id).watching.items.append(
            Item(
                match.statement.title or f"Statement {match.statement_id}",
                links.statement(match.statement_id),
                detail=f"watching {match.watch.target}",
            )
        )


def _add_team_overdue(
    digest_of, leads: dict[int, set[int]], day: datetime.date, lead_days: int, links: Links
) -> None:
    before = day - datetime.timedelta(days=lead_days)
    team_ids = set().union(*leads.values())
    by_team: dict[int, list[tuple[Item, bool]]] = defaultdict(list)
    names: dict[int, str] = {}
    rows = (
        FollowUp.objects.filter(
            status=FollowUp.Status.OPEN, due_date__lt=before, opportunity__team__in=team_ids
        )
        .with_restricted_flag()
        .order_by("due_date", "pk")
        .values_list(
            "pk",
            "title",
            "due_date",
            "opportunity__title",
            "opportunity__team_id",
            "opportunity__team__name",
            "owner__username",
            "is_restricted",
        )
    )
    any_restricted = False
    for pk, title, due_date, opportunity, team_id, team_name, owner, hidden in rows.iterator(
        chunk_size=5000
    ):
        names[team_id] = team_name
        detail = f"owner {owner}" if owner else "no owner"
        item = Item(title, links.follow_up(pk), due_date, opportunity, detail)
        by_team[team_id].append((item, hidden))
        any_restricted = any_restricted or hidden
    # A lead who is not cleared for restricted records is not told of them.
    cleared = cleared_user_ids() if any_restricted else set()
    for lead_id, lead_teams in leads.items():
        for team_id in sorted(lead_teams & by_team.keys(), key=names.__getitem__):
            items = [item for item, hidden in by_team[team_id] if not hidden or lead_id in cleared]
            if not items:
                continue
            section = Section(
                f"{names[team_id]}: overdue by more than {lead_days} days",
                items=items,
                more_url=f"{links.follow_ups}?due=overdue&opportunity__team__id__exact={team_id}",
            )
            digest_of(lead_id).team_overdue.append(section)
