"""The opportunity admin: the list staff work from, its bulk actions and the change page."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from lib.links import links_unseen
from lib.sheets.admin import HistoryModelAdmin, columns_resource
from partners.admin_merge import MergeAdminMixin
from statements.models import Statement

from . import services
from .admin_filters import (
    MyOpportunitiesFilter,
    NextFollowUpFilter,
    NextFollowUpRangeFilter,
    StaleFilter,
)
from .admin_forms import OpportunityForm
from .admin_inlines import FollowUpInline, NoteInline
from .admin_scoping import TeamScopedAdminMixin, admin_message
from .assignment import assignable_owners, may_assign_others
from .duplicates import opportunity_duplicates
from .merging import OPPORTUNITY_FIELDS, opportunity_merge, opportunity_merge_undo
from .models import FollowUp, Note, Opportunity, UploadJob
from .sheets.admin import SheetUploadAdminMixin
from .sheets.columns import OPPORTUNITY_COLUMNS
from .tallies.adjust import tallies_adjusted
from .tallies.models import FollowUpTally


class OpportunityActionForm(ActionForm):
    stage = forms.ChoiceField(choices=[("", "stage…"), *Opportunity.Stage.choices], required=False)
    reason = forms.CharField(required=False, help_text="Required to move to won or lost")
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        required=False,
        empty_label="owner…",
    )


@admin.register(Opportunity)
class OpportunityAdmin(
    MergeAdminMixin, SheetUploadAdminMixin, TeamScopedAdminMixin, HistoryModelAdmin
):
    upload_kind = UploadJob.Kind.OPPORTUNITIES
    # Both mixins add to the list's tools; this template shows both.
    change_list_template = "admin/opportunities/upload_merge_change_list.html"
    form = OpportunityForm
    resource_classes = [columns_resource(Opportunity, OPPORTUNITY_COLUMNS)]
    action_form = OpportunityActionForm
    # Short columns beside the title, so it reads in two or three lines at 1,366 px
    # (docs/admin.md, "Layout"): a stale opportunity says so under its next follow-up;
    # probability and the last change are on the change page.
    list_display = [
        "title",
        "stage",
        "team",
        "owner",
        "partner_countries",
        "value_display",
        "next_follow_up_display",
        "label_display",
    ]
    list_filter = [
        "stage",
        "sensitivity",
        NextFollowUpFilter,
        NextFollowUpRangeFilter,
        StaleFilter,
        MyOpportunitiesFilter,
        "team",
        ("countries", admin.RelatedOnlyFieldListFilter),
        ("areas", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["team", "owner"]
    search_fields = ["title", "description", "external_id", "countries__name", "firms__name"]
    autocomplete_fields = ["owner", "countries", "firms", "areas", "policy_openings", "statements"]
    readonly_fields = ["version", "stage_changed_at", "closed_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    inlines = [FollowUpInline, NoteInline]
    actions = ["assign_owner", "move_stage", "complete_follow_ups", "merge_selected"]
    merge_fields = OPPORTUNITY_FIELDS
    merge_service = staticmethod(opportunity_merge)
    undo_service = staticmethod(opportunity_merge_undo)
    duplicates_find = staticmethod(opportunity_duplicates)
    duplicates_template = "admin/opportunities/duplicates.html"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "description",
                    "stage",
                    "close_reason",
                    "team",
                    "owner",
                    "sensitivity",
                ]
            },
        ),
        ("Partners", {"fields": ["countries", "firms", "areas", "policy_openings", "statements"]}),
        ("Value", {"fields": ["value", "currency", "probability", "expected_close"]}),
        (
            "Record",
            {
                "fields": [
                    "external_id",
                    "version",
                    "loaded_version",
                    "stage_changed_at",
                    "closed_at",
                    "created_at",
                    "updated_at",
                ]
            },
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_next_follow_up()
            .with_stale()
            .prefetch_related("countries")
        )

    def duplicates_for(self, request):
        # Only pairs of work the user may see: the finder reads nothing else.
        return opportunity_duplicates(user=request.user)

    def get_list_display(self, request):
        # Someone in one team sees its name on every row: the column only takes width.
        team_ids = self._team_ids(request)
        if team_ids is not None and len(team_ids) <= 1:
            return [name for name in self.list_display if name != "team"]
        return self.list_display

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not may_assign_others(request.user):
            fields.append("owner")
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [
                (name, {**opts, "fields": [f for f in opts["fields"] if f != "loaded_version"]})
                for name, opts in fieldsets
            ]
        return fieldsets

    def save_model(self, request, obj, form, change) -> None:
        if not change and obj.owner_id is None:
            obj.owner = request.user
        services.opportunity_save(
            opportunity=obj, expected_version=form.cleaned_data.get("loaded_version")
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "statements":
            kwargs["queryset"] = Statement.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change) -> None:
        # The form offers, shows and so saves only the statements the user may see: the
        # restricted links they cannot see are put back after it replaced the list.
        unseen = []
        if change:
            unseen = links_unseen(
                form.instance.statements, Statement.objects.visible_to(request.user)
            )
        super().save_related(request, form, formsets, change)
        if unseen:
            form.instance.statements.add(*unseen)

    def save_formset(self, request, form, formset, change) -> None:
        for row in formset.save(commit=False):
            if isinstance(row, Note) and row.author_id is None:
                row.author = request.user
            if isinstance(row, FollowUp):
                # Its form checked its version, and locked it, when the formset was cleaned.
                services.follow_up_save(follow_up=row)
            else:
                row.save()
        follow_ups = any(isinstance(row, FollowUp) for row in formset.deleted_objects)
        with tallies_adjusted([form.instance] if follow_ups else [], only=(FollowUpTally,)):
            for deleted in formset.deleted_objects:
                deleted.delete()
        formset.save_m2m()

    def delete_model(self, request, obj) -> None:
        with tallies_adjusted([obj]):
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with tallies_adjusted(list(queryset.values_list("pk", flat=True))):
            super().delete_queryset(request, queryset)

    @admin.display(description="countries")
    def partner_countries(self, opportunity: Opportunity) -> str:
        # ISO codes, each with its name as a tooltip: four names would take a column's width.
        return format_html_join(
            ", ",
            '<abbr title="{}">{}</abbr>',
            ((country.name, country.code) for country in opportunity.countries.all()),
        )

    @admin.display(description="value", ordering="value")
    def value_display(self, opportunity: Opportunity) -> str:
        if opportunity.value is None:
            return "—"
        return f"{opportunity.currency} {opportunity.value:,.0f}"

    @admin.display(description="follow-up", ordering="next_follow_up")
    def next_follow_up_display(self, opportunity: Opportunity):
        due = opportunity.next_follow_up
        if due is None:
            shown = format_html("{}", "—")
        elif due < timezone.localdate():
            shown = format_html(
                '<strong class="overdue">{} (overdue)</strong>', formats.date_format(due)
            )
        else:
            shown = format_html("{}", formats.date_format(due))
        if not getattr(opportunity, "is_stale", False):
            return shown
        quiet = (timezone.now() - opportunity.last_activity).days
        return format_html('{}<br><strong class="stale">quiet {} days</strong>', shown, quiet)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        action_form = (getattr(response, "context_data", None) or {}).get("action_form")
        if action_form is not None:  # the owners offered: your teams' people, not every user
            action_form.fields["owner"].queryset = assignable_owners(request.user)
        return response

    @admin.action(description="Assign selected to the chosen owner", permissions=["assign"])
    def assign_owner(self, request, queryset) -> None:
        try:
            # Any active user: the service says why one outside the team cannot own it.
            owner = OpportunityActionForm.base_fields["owner"].clean(request.POST.get("owner"))
        except ValidationError:
            owner = None
        if owner is None:
            self.message_user(request, "Choose an owner first.", messages.WARNING)
            return
        try:
            count = services.opportunity_assign(
                opportunities=queryset, owner=owner, by=request.user
            )
        except (ValidationError, PermissionDenied) as error:
            self.message_user(request, admin_message(error), messages.ERROR)
            return
        self.message_user(request, f"Assigned {count} opportunities to {owner}.")

    def has_assign_permission(self, request) -> bool:
        return may_assign_others(request.user)

    @admin.action(description="Move selected to the chosen stage", permissions=["change"])
    def move_stage(self, request, queryset) -> None:
        stage = request.POST.get("stage", "")
        try:
            count = services.opportunity_move(
                opportunities=queryset, stage=stage, reason=request.POST.get("reason", "")
            )
        except ValidationError as error:
            self.message_user(request, admin_message(error), messages.ERROR)
            return
        label = Opportunity.Stage(stage).label
        self.message_user(request, f"Moved {count} opportunities to {label}.")

    @admin.action(description="Mark open follow-ups of selected done", permissions=["change"])
    def complete_follow_ups(self, request, queryset) -> None:
        count = services.follow_ups_complete(
            follow_ups=FollowUp.objects.filter(opportunity__in=queryset)
        )
        self.message_user(request, f"Marked {count} follow-ups done.")
