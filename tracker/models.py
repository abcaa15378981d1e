from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from opportunities.visibility import sees_every_team, visible_teams


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def usable(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A key for the REST API. Only its SHA-256 digest is stored: the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. Power Query sheet")
    prefix = models.CharField(max_length=8, editable=False, help_text="First characters")
    digest = models.CharField(max_length=64, unique=True, editable=False)
    read_only = models.BooleanField(
        default=True, help_text="Read only: lists, details and exports, never a write"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    def revoke(self) -> None:
        self.revoked_at = timezone.now()
        self.save(update_fields=["revoked_at"])

    @classmethod
    def issue(cls, *, user, name: str, read_only: bool = True) -> tuple[ApiToken, str]:
        """Create a token; returns it with the clear key, which is not stored anywhere."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, read_only=read_only, prefix=key[:8], digest=key_digest(key)
        )
        return token, key


class SavedViewQuerySet(models.QuerySet):
    def visible_to(self, user) -> SavedViewQuerySet:
        """A person's own views and those shared with a team whose work they see (the one
        team rule, `visible_teams`)."""
        if not user.is_active:
            return self.none()
        # A subquery of the teams, so the navigation costs one query.
        teams = visible_teams(user)
        shared = Q(team__isnull=False) if sees_every_team(user) else Q(team__in=teams)
        return self.filter(Q(owner=user) | shared)


class SavedView(models.Model):
    """A named set of dashboard filters: a page and its query string, private to its owner or
    shared with a team."""

    class Page(models.TextChoices):
        OPPORTUNITIES = "opportunities", "Opportunities"
        FOLLOW_UPS = "follow_ups", "Follow-ups"
        BOARD = "board", "Board"

    name = models.CharField(max_length=80)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_views"
    )
    team = models.ForeignKey(
        "opportunities.Team",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_views",
        help_text="Shared with this team; empty: private",
    )
    page = models.CharField(max_length=20, choices=Page.choices)
    query = models.CharField(
        max_length=1000, blank=True, help_text="The filters, as the page's query string"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SavedViewQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "name"],
                name="saved_view_owner_name_unique",
                violation_error_message="You already have a view of that name.",
            ),
            models.CheckConstraint(
                condition=Q(page__in=["opportunities", "follow_ups", "board"]),
                name="saved_view_page_known",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse(f"dashboards:{self.page}") + (f"?{self.query}" if self.query else "")


class SheetLogQuerySet(models.QuerySet):
    def older_than(self, days: int) -> SheetLogQuerySet:
        return self.filter(started_at__lt=timezone.now() - datetime.timedelta(days=days))


class SheetLog(models.Model):
    """One export, sheet pull or bulk upload: who, when, which list and filters, how many rows.
    Written by `tracker.audit` when it ends; read-only in the admin; pruned after
    AUDIT_RETENTION_DAYS. It lives here, beside ApiToken, because it audits every app's lists
    (partners, statements, opportunities) and names the token a pull used: a lower app would
    have to know the higher ones' lists."""

    class Kind(models.TextChoices):
        EXPORT = "export", "Export"
        PULL = "pull", "Sheet pull (?key=)"
        UPLOAD = "upload", "Bulk upload"

    class Channel(models.TextChoices):
        API = "api", "API"
        ADMIN = "admin", "Admin"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="sheet_logs",
    )
    # Kept as written: the log still says who after the user is deleted.
    username = models.CharField(max_length=150)
    token = models.ForeignKey(
        ApiToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="sheet_logs"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    list_name = models.CharField("list", max_length=100)
    filters = models.JSONField(default=dict, blank=True)
    format = models.CharField(max_length=10, blank=True)
    rows = models.PositiveIntegerField(default=0)
    complete = models.BooleanField(
        default=False, help_text="False: cut off (or refused) after the rows counted here"
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(default=timezone.now)

    objects = SheetLogQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = "export and upload log"
        verbose_name_plural = "export and upload log"
        indexes = [
            models.Index(fields=["started_at"], name="sheetlog_started_idx"),
            models.Index(fields=["user", "-started_at"], name="sheetlog_user_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.list_name} by {self.username}"
