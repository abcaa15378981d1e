"""Admin for the reminders: digests sent, calendar feeds, commitments and webhooks."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.html import format_html

from partners.admin_base import TrackerModelAdmin

from .calendar import calendar_feed_create, calendar_feed_revoke, calendar_feed_url
from .models import CalendarFeed, DigestLog


@admin.register(DigestLog)
class DigestLogAdmin(TrackerModelAdmin):
    list_display = ["day", "user", "status", "item_count", "sent_at"]
    list_filter = ["status", "day"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    date_hierarchy = "day"

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
