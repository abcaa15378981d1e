"""The admin of what imports leave behind: runs and raw items, read-only; a failed raw item can
be parsed again from its kept bytes."""

from __future__ import annotations

from django.contrib import admin

from lib.sheets.admin import TrackerModelAdmin

from . import imports, tasks
from .models import ImportRun, RawItem


@admin.register(ImportRun)
class ImportRunAdmin(TrackerModelAdmin):
    list_display = ["source", "status", "started_at", "fetched", "new", "duplicate", "failed"]
    list_filter = ["status", ("source", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["source"]
    search_fields = ["source__name"]
    date_hierarchy = "started_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RawItem)
class RawItemAdmin(TrackerModelAdmin):
    list_display = ["__str__", "source", "status", "fetched_at", "statement"]
    list_filter = ["status", ("source", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["source", "statement"]
    search_fields = ["url", "name", "error"]
    date_hierarchy = "fetched_at"
    readonly_fields = [
        "source",
        "run",
        "url",
        "canonical_url",
        "name",
        "body_hash",
        "headers",
        "hints",
        "fetched_at",
        "status",
        "error",
        "statement",
    ]
    exclude = ["body"]
    actions = ["parse_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Parse failed items again from the kept bytes")
    def parse_again(self, request, queryset) -> None:
        new = imports.raw_items_parse_again(
            raw_item_ids=list(queryset.values_list("pk", flat=True))
        )
        tasks.queue_extraction(new)
        self.message_user(request, f"{len(new)} new statement(s) stored; refresh to see the rest.")
