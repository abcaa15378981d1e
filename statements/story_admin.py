"""The admin of stories: read-only, as stories are made at import (statements/stories.py)."""

from __future__ import annotations

from django.contrib import admin

from lib.sheets.admin import TrackerModelAdmin

from .models import Statement, Story


class CopyFilter(admin.SimpleListFilter):
    title = "copies"
    parameter_name = "copies"

    def lookups(self, request, model_admin):
        return [("no", "One per story"), ("only", "Copies only")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(is_copy=self.value() == "only")


class StoryStatementInline(admin.TabularInline):
    model = Statement
    fields = ["title", "source", "published_on", "is_copy", "extracted_at"]
    readonly_fields = fields
    show_change_link = True
    ordering = ["is_copy", "published_on", "pk"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Story)
class StoryAdmin(TrackerModelAdmin):
    """Near-duplicate statements, lead first; the lead is the one extracted for the story."""

    list_display = ["title", "source", "published_on", "created_at"]
    list_select_related = ["source"]
    search_fields = ["title"]
    date_hierarchy = "published_on"
    readonly_fields = ["title", "source", "published_on", "created_at"]
    inlines = [StoryStatementInline]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
