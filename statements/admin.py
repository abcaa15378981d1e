from __future__ import annotations

from django.contrib import admin

from partners.admin_base import HistoryModelAdmin, TrackerModelAdmin

from .models import ImportRun, Mention, Source, Statement


@admin.register(Source)
class SourceAdmin(HistoryModelAdmin):
    list_display = ["name", "kind", "url", "is_active", "last_run_at", "failure_count"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["country"]
    search_fields = ["name", "url", "path"]
    autocomplete_fields = ["country"]
    readonly_fields = ["etag", "last_modified", "last_run_at", "failure_count", "last_error"]


class MentionInline(admin.TabularInline):
    model = Mention
    extra = 0
    can_delete = False
    fields = ["kind", "term", "start", "end", "snippet"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Statement)
class StatementAdmin(TrackerModelAdmin):
    list_display = ["title", "source", "published_on", "speaker", "extracted_at"]
    list_filter = [("source", admin.RelatedOnlyFieldListFilter), "published_on"]
    list_select_related = ["source"]
    search_fields = ["title", "speaker", "text", "url"]
    autocomplete_fields = ["source", "countries", "firms", "contacts", "areas", "policy_openings"]
    readonly_fields = ["canonical_url", "content_hash", "fetched_at", "extracted_at"]
    date_hierarchy = "published_on"
    inlines = [MentionInline]


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


@admin.register(Mention)
class MentionAdmin(TrackerModelAdmin):
    list_display = ["term", "kind", "statement", "start", "end"]
    list_filter = ["kind"]
    list_select_related = ["statement"]
    search_fields = ["term", "snippet", "statement__title"]
    raw_id_fields = ["statement"]
    autocomplete_fields = ["country", "firm", "contact", "area"]

    def has_add_permission(self, request) -> bool:
        return False
