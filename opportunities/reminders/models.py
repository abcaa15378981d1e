"""Models of the reminders: digest log, calendar feeds, webhooks, watchlists.

`opportunities.models` imports them, so Django registers them with the app; they name the
pipeline's models by string, so this module never imports that one.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from partners.base_models import TimeStamped
from statements.sensitivity import sensitivity_field

from ..visibility import TeamScopedQuerySet


def new_key() -> str:
    return secrets.token_urlsafe(32)


class DigestLog(models.Model):
    """One row per person per day, claimed before their digest is sent, so it is sent once."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", "Claimed (sending)"
        SENT = "sent", "Sent"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="digest_logs"
    )
    day = models.DateField()
    run = models.UUIDField(help_text="The digest run that claimed it")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.CLAIMED)
    item_count = models.PositiveIntegerField(default=0)
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "user_id"]
        verbose_name = "digest sent"
        verbose_name_plural = "digests sent"
        indexes = [models.Index(fields=["run"], name="digestlog_run_idx")]
        constraints = [
            models.UniqueConstraint(fields=["user", "day"], name="digestlog_one_per_user_day"),
        ]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


class CalendarFeed(models.Model):
    """A private, revocable URL serving a user's follow-ups as iCalendar."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "calendar feed"
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendarfeed_one_live_per_user",
                violation_error_message="You already have a calendar feed; revoke it first.",
            ),
        ]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "live"
        return f"Calendar feed of {self.user} ({state})"


class WebhookEndpoint(TimeStamped):
    """A team's URL that receives signed JSON events."""

    team = models.ForeignKey(
        "opportunities.Team", on_delete=models.CASCADE, related_name="webhook_endpoints"
    )
    url = models.URLField(max_length=1000, help_text="Receives a POST of JSON for each event")
    secret = models.CharField(
        max_length=64, default=new_key, help_text="Key of the HMAC-SHA256 signature"
    )
    is_active = models.BooleanField(default=True)
    on_suggestion_created = models.BooleanField("new suggestion", default=True)
    on_stage_changed = models.BooleanField("stage change", default=True)
    on_follow_up_overdue = models.BooleanField("follow-up overdue", default=True)
    on_watch_matched = models.BooleanField(
        "watch matched",
        default=False,
        help_text="A statement matched a member's watch that asks for webhooks",
    )
    # Whoever reads the receiving system is outside the tracker's permissions: events of
    # restricted records go only where someone cleared for them said the audience is too.
    sends_restricted = models.BooleanField(
        "sends restricted records",
        default=False,
        help_text="Also send events of restricted records. Only people cleared for restricted "
        "records may turn this on: everyone who reads the receiving system must be cleared too.",
    )

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        ordering = ["team", "url"]
        verbose_name = "webhook endpoint"

    def __str__(self) -> str:
        return self.url


class WebhookDeliveryQuerySet(TeamScopedQuerySet):
    team_path = "endpoint__team"
    sensitivity_paths = ("sensitivity",)


class WebhookDelivery(models.Model):
    class Event(models.TextChoices):
        SUGGESTION_CREATED = "suggestion.created", "New suggestion"
        STAGE_CHANGED = "opportunity.stage_changed", "Stage change"
        FOLLOW_UP_OVERDUE = "follow_up.overdue", "Follow-up overdue"
        WATCH_MATCHED = "watch.matched", "Watch matched"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    key = models.CharField(max_length=200, help_text="The same event is delivered once")
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    # When a pending delivery's task should run: now when recorded, later after a failed try.
    # A pending delivery well past it has no task coming (the broker was down when it was
    # queued or retried), and the sweeper queues it again.
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # Restricted when its payload tells of a restricted record: the admin shows it to the
    # cleared only.
    sensitivity = sensitivity_field()

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "webhook delivery"
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(fields=["status", "-created_at"], name="webhook_status_idx"),
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "key"], name="webhook_delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} to {self.endpoint_id} ({self.status})"


class Watch(models.Model):
    """What one person follows in new statements: a term, a country, a firm, an area or a
    pair of countries that are both parties. Matches land in their digest and on their
    "watching" page, and, if they ask, go to their teams' webhooks as `watch.matched`."""

    class Kind(models.TextChoices):
        TERM = "term", "Words in the title or text"
        COUNTRY = "country", "A country named"
        PAIR = "pair", "Two countries, both parties"
        FIRM = "firm", "A firm named"
        AREA = "area", "An investment area"

    # The fields each kind reads; the others stay empty.
    FIELDS = {
        Kind.TERM: {"term"},
        Kind.COUNTRY: {"country"},
        Kind.PAIR: {"country", "partner"},
        Kind.FIRM: {"firm"},
        Kind.AREA: {"area"},
    }

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="watches"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    term = models.CharField(
        max_length=200, blank=True, help_text="Matched as whole words, in any case"
    )
    country = models.ForeignKey(
        "partners.Country", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    partner = models.ForeignKey(
        "partners.Country",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="The pair's other country",
    )
    firm = models.ForeignKey(
        "partners.Firm", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    area = models.ForeignKey(
        "partners.InvestmentArea",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    notify_webhook = models.BooleanField(
        "send to webhooks", default=False, help_text="Also post each match to my teams' webhooks"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "kind", "term", "pk"]
        verbose_name_plural = "watches"

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.target}"

    @property
    def target(self) -> str:
        if self.kind == self.Kind.TERM:
            return f"\u201c{self.term}\u201d"
        if self.kind == self.Kind.PAIR:
            return f"{self.country}\u2013{self.partner}"
        return str(self.country or self.firm or self.area or "")

    def clean(self) -> None:
        self.term = " ".join(self.term.split())
        wanted = self.FIELDS.get(self.kind, set())
        given = {
            name
            for name in ("term", "country", "partner", "firm", "area")
            if getattr(self, name if name == "term" else f"{name}_id")
        }
        if missing := sorted(wanted - given):
            raise ValidationError({name: "Required for this kind of watch." for name in missing})
        if extra := sorted(given - wanted):
            raise ValidationError({name: "Leave empty for this kind of watch." for name in extra})
        if self.kind == self.Kind.PAIR and self.country_id == self.partner_id:
            raise ValidationError({"partner": "Pick a country other than the first."})
        if self.kind == self.Kind.TERM and len(self.term) < 3:
            raise ValidationError({"term": "At least three characters."})


class WatchMatch(models.Model):
    """A statement that matched a watch, once: re-extraction matches nothing twice."""

    watch = models.ForeignKey(Watch, on_delete=models.CASCADE, related_name="matches")
    statement = models.ForeignKey(
        "statements.Statement", on_delete=models.CASCADE, related_name="watch_matches"
    )
    matched_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-matched_at", "-pk"]
        verbose_name_plural = "watch matches"
        indexes = [models.Index(fields=["matched_at"], name="watchmatch_matched_idx")]
        constraints = [
            models.UniqueConstraint(fields=["watch", "statement"], name="watchmatch_once"),
        ]

    def __str__(self) -> str:
        return f"{self.watch} in statement {self.statement_id}"
