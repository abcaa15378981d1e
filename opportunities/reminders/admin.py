"""Admin for the reminders: digests sent, calendar feeds, watches and commitments; webhooks in
webhook_admin.py, registered by importing it here (opportunities.admin imports this module)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.html import format_html

from lib.sheets.admin import TrackerModelAdmin

from ..models import (
    CalendarFeed,
    CommitmentCandidate,
    DigestLog,
    Watch,
    visible_team_ids,
)
from ..suggestions.commitments import commitment_accept, commitment_dismiss
from . import webhook_admin  # noqa: F401
from .calendar import calendar_feed_create, calendar_feed_revoke, calendar_feed_url


@admin.register(DigestLog)
class DigestLogAdmin(TrackerModelAdmin):
    list_display = ["day", "user", "status", "item_count", "sent_at"]
    list_filter = ["status", "day"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "day"

    def get_queryset(self, request):
        logs = super().get_queryset(request)
        return logs if request.user.is_superuser else logs.filter(user=request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """Everyone manages their own feed; adding one replaces the old URL."""

    list_display = ["user", "feed_url", "created_at", "revoked_at"]
    list_select_related = ["user"]
    fields = ["feed_url", "created_at", "revoked_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def get_queryset(self, request):
        feeds = super().get_queryset(request)
        return feeds if request.user.is_superuser else feeds.filter(user=request.user)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and self._own(request, obj)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and self._own(request, obj)

    def _own(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    @admin.display(description="subscribe URL")
    def feed_url(self, feed: CalendarFeed) -> str:
        if feed.pk is None:
            return "Saving makes your private URL (any URL you had stops working)."
        if feed.revoked_at:
            return "revoked"
        url = calendar_feed_url(feed)
        return format_html('<a href="{}">{}</a>', url, url)

    def save_model(self, request, obj, form, change) -> None:
        feed = calendar_feed_create(user=request.user)
        obj.pk, obj.key, obj.user, obj.created_at = feed.pk, feed.key, feed.user, feed.created_at

    @admin.action(description="Revoke selected feeds (their URLs stop working)")
    def revoke(self, request, queryset) -> None:
        count = calendar_feed_revoke(feeds=queryset)
        self.message_user(request, f"Revoked {count} calendar feeds.", messages.SUCCESS)


class CommitmentActionForm(ActionForm):
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label="owner (default: the opportunity's)…",
    )
    due_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Default: two weeks from today",
    )


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    """Everyone keeps their own watches (the dashboards' Watching page does the same)."""

    list_display = ["__str__", "user", "notify_webhook", "created_at"]
    list_filter = ["kind", "notify_webhook"]
    list_select_related = ["user", "country", "partner", "firm__country", "area"]
    fields = ["kind", "term", "country", "partner", "firm", "area", "notify_webhook"]
    autocomplete_fields = ["country", "partner", "firm", "area"]

    def get_queryset(self, request):
        watches = super().get_queryset(request)
        return watches if request.user.is_superuser else watches.filter(user=request.user)

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request) and self._own(request, obj)

    def has_add_permission(self, request) -> bool:
        return self.has_module_permission(request)

    has_change_permission = has_delete_permission = has_view_permission

    def _own(self, request, obj) -> bool:
        return obj is None or request.user.is_superuser or obj.user_id == request.user.pk

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.user = request.user
        super().save_model(request, obj, form, change)


@admin.register(CommitmentCandidate)
class CommitmentCandidateAdmin(TrackerModelAdmin):
    action_form = CommitmentActionForm
    list_display = ["sentence", "phrase", "statement", "suggestion", "opportunity", "status"]
    list_filter = ["status", "phrase"]
    list_select_related = ["statement", "suggestion", "opportunity"]
    search_fields = ["sentence", "statement__title"]
    readonly_fields = [
        "statement",
        "suggestion",
        "opportunity",
        "phrase",
        "sentence",
        "start",
        "status",
        "follow_up",
        "decided_by",
        "decided_at",
        "created_at",
    ]
    actions = ["accept", "dismiss"]

    def get_queryset(self, request):
        if not hasattr(request, "_visible_team_ids"):
            request._visible_team_ids = visible_team_ids(request.user)
        team_ids = request._visible_team_ids
        candidates = super().get_queryset(request)
        if team_ids is None:
            return candidates
        # Like suggestions, those not yet on an opportunity are everyone's to triage.
        return candidates.filter(Q(opportunity__isnull=True) | Q(opportunity__team__in=team_ids))

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(
        description="Accept: make follow-ups (owner and due date beside the menu)",
        permissions=["change"],
    )
    def accept(self, request, queryset) -> None:
        fields = CommitmentActionForm.base_fields
        try:
            owner = fields["owner"].clean(request.POST.get("owner"))
            due_date = fields["due_date"].clean(request.POST.get("due_date"))
        except ValidationError:
            self.message_user(request, "Give a valid owner and due date.", messages.ERROR)
            return
        self._decide(
            request, queryset, "accepted", commitment_accept, owner=owner, due_date=due_date
        )

    @admin.action(description="Dismiss selected commitments", permissions=["change"])
    def dismiss(self, request, queryset) -> None:
        self._decide(request, queryset, "dismissed", commitment_dismiss)

    def _decide(self, request, queryset, verb: str, service, **kwargs) -> None:
        done = 0
        for candidate_id in queryset.values_list("pk", flat=True):
            try:
                service(candidate_id=candidate_id, by=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.WARNING)
        self.message_user(request, f"{done} commitments {verb}.")
