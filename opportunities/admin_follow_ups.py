"""Follow-ups and notes listed on their own, across the opportunities of one's teams."""

from __future__ import annotations

from django.contrib import admin
from django.utils import formats
from django.utils.html import format_html

from lib.sheets.admin import HistoryModelAdmin, columns_resource

from . import services
from .admin_filters import DueFilter, MineFilter
from .admin_forms import FollowUpForm
from .admin_scoping import TeamScopedAdminMixin
from .models import FollowUp, Note, UploadJob
from .sheets.admin import SheetUploadAdminMixin
from .sheets.columns import FOLLOW_UP_COLUMNS
from .tallies.adjust import tallies_adjusted
from .tallies.models import FollowUpTally


@admin.register(FollowUp)
class FollowUpAdmin(SheetUploadAdminMixin, TeamScopedAdminMixin, HistoryModelAdmin):
    upload_kind = UploadJob.Kind.FOLLOW_UPS
    form = FollowUpForm
    resource_classes = [columns_resource(FollowUp, FOLLOW_UP_COLUMNS)]
    list_display = [
        "title",
        "opportunity",
        "owner",
        "due_display",
        "kind",
        "status",
        "label_display",
    ]
    list_filter = [MineFilter, DueFilter, "status", "kind", "sensitivity"]
    list_select_related = ["opportunity", "owner"]
    search_fields = ["title", "notes", "opportunity__title"]
    autocomplete_fields = ["opportunity", "owner"]
    readonly_fields = ["version", "completed_at", "created_at", "updated_at"]
    date_hierarchy = "due_date"
    actions = ["mark_done"]

    def team_id_of(self, follow_up: FollowUp) -> int:
        return follow_up.opportunity.team_id

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("opportunity", "owner")

    @admin.display(description="due", ordering="due_date")
    def due_display(self, follow_up: FollowUp):
        if follow_up.is_overdue:
            due = formats.date_format(follow_up.due_date)
            return format_html('<strong class="overdue">{} (overdue)</strong>', due)
        return follow_up.due_date

    @admin.action(description="Mark selected follow-ups done", permissions=["change"])
    def mark_done(self, request, queryset) -> None:
        count = services.follow_ups_complete(follow_ups=queryset)
        self.message_user(request, f"Marked {count} follow-ups done.")

    def save_model(self, request, obj, form, change) -> None:
        services.follow_up_save(
            follow_up=obj, expected_version=form.cleaned_data.get("loaded_version")
        )

    # A deleted follow-up leaves the open follow-ups' tally of its opportunity.
    def delete_model(self, request, obj) -> None:
        with tallies_adjusted([obj.opportunity_id], only=(FollowUpTally,)):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        under = set(queryset.values_list("opportunity_id", flat=True))
        with tallies_adjusted(under, only=(FollowUpTally,)):
            super().delete_queryset(request, queryset)


@admin.register(Note)
class NoteAdmin(TeamScopedAdminMixin, HistoryModelAdmin):
    list_display = ["excerpt", "opportunity", "author", "sensitivity", "created_at"]
    list_filter = [("author", admin.RelatedOnlyFieldListFilter), "sensitivity"]
    list_select_related = ["opportunity", "author"]
    search_fields = ["body", "opportunity__title"]
    autocomplete_fields = ["opportunity"]
    readonly_fields = ["author", "created_at", "updated_at"]
    date_hierarchy = "created_at"

    def team_id_of(self, note: Note) -> int:
        return note.opportunity.team_id

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("opportunity", "author")

    @admin.display(description="note")
    def excerpt(self, note: Note) -> str:
        return note.body if len(note.body) <= 80 else note.body[:79] + "…"

    def save_model(self, request, obj, form, change) -> None:
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)
