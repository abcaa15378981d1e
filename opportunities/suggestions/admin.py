"""Suggestions in the admin: triage (accept into an opportunity, dismiss)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError

from lib.sheets.admin import TrackerModelAdmin

from ..admin_scoping import admin_message
from ..models import Suggestion, Team
from .triage import suggestion_accept, suggestion_dismiss


class SuggestionActionForm(ActionForm):
    team = forms.ModelChoiceField(
        queryset=Team.objects.all(),
        required=False,
        empty_label="team (if you are in several)…",
    )


@admin.register(Suggestion)
class SuggestionAdmin(TrackerModelAdmin):
    action_form = SuggestionActionForm
    list_display = ["title", "statement", "status", "opportunity", "created_at"]
    list_filter = ["status", ("countries", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["statement", "opportunity"]
    search_fields = ["title", "summary", "statement__title"]
    autocomplete_fields = [
        "statement",
        "countries",
        "firms",
        "areas",
        "policy_openings",
        "opportunity",
    ]
    readonly_fields = ["key", "status", "decided_by", "decided_at", "created_at", "updated_at"]
    date_hierarchy = "created_at"
    actions = ["accept", "dismiss"]

    @admin.action(
        description="Accept: add to the matched opportunity or create one", permissions=["change"]
    )
    def accept(self, request, queryset) -> None:
        try:
            team = SuggestionActionForm.base_fields["team"].clean(request.POST.get("team"))
        except ValidationError:
            team = None
        self._decide(request, queryset, "accepted", suggestion_accept, team=team)

    @admin.action(description="Dismiss selected suggestions", permissions=["change"])
    def dismiss(self, request, queryset) -> None:
        self._decide(request, queryset, "dismissed", suggestion_dismiss)

    def _decide(self, request, queryset, verb: str, service, **kwargs) -> None:
        done = 0
        for suggestion_id in queryset.values_list("pk", flat=True):
            try:
                service(suggestion_id=suggestion_id, by=request.user, **kwargs)
                done += 1
            except ValidationError as error:
                self.message_user(request, admin_message(error), messages.WARNING)
        self.message_user(request, f"{done} suggestions {verb}.")
