"""The admin of what extraction finds: mentions and commitments (read-only), and name candidates
to accept or dismiss."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from lib.sheets.admin import TrackerModelAdmin

from . import tasks
from .admin_sensitivity import SensitivityAdminMixin
from .models import Commitment, Mention, NameCandidate
from .names import name_candidate_accept, name_candidate_dismiss


@admin.register(Mention)
class MentionAdmin(SensitivityAdminMixin, TrackerModelAdmin):
    list_display = ["term", "kind", "role", "in_title", "statement", "start", "end"]
    list_filter = ["kind", "role", "in_title"]
    list_select_related = ["statement"]
    search_fields = ["term", "snippet", "statement__title"]
    raw_id_fields = ["statement"]
    autocomplete_fields = ["country", "firm", "contact", "area"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Commitment)
class CommitmentAdmin(SensitivityAdminMixin, TrackerModelAdmin):
    list_display = ["__str__", "phrase", "countries", "statement"]
    list_filter = ["phrase"]
    list_select_related = ["statement"]
    search_fields = ["sentence", "statement__title"]
    raw_id_fields = ["statement"]
    readonly_fields = ["statement", "phrase", "sentence", "start", "end", "countries"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(NameCandidate)
class NameCandidateAdmin(SensitivityAdminMixin, TrackerModelAdmin):
    """People and firms a statement names that the tracker does not know: accept (set the
    country first when it was not guessed), accept as another name of the one it resembles,
    or dismiss. A decision covers every open candidate of that name."""

    list_display = ["__str__", "kind", "country", "similar", "statement", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["statement", "country", "similar_firm__country", "similar_contact"]
    search_fields = ["name", "sentence", "statement__title"]
    raw_id_fields = ["statement", "similar_firm", "similar_contact", "firm", "contact"]
    autocomplete_fields = ["country"]
    readonly_fields = ["statement", "kind", "sentence", "start", "status", "decided_by"]
    fields = [
        "statement",
        "kind",
        "title",
        "name",
        "country",
        "sentence",
        "similar_firm",
        "similar_contact",
        "status",
        "firm",
        "contact",
        "decided_by",
    ]
    actions = ["accept", "accept_as_same", "dismiss"]

    @admin.display(description="is this the same as…?")
    def similar(self, candidate: NameCandidate) -> str:
        return str(candidate.similar or "")

    def has_add_permission(self, request) -> bool:
        return False

    def _each(self, request, queryset, decide, done: str) -> None:
        count = 0
        for candidate_id in queryset.values_list("pk", flat=True):
            try:
                statement_ids = decide(candidate_id)
            except (ValidationError, NameCandidate.DoesNotExist) as error:
                self.message_user(
                    request, "; ".join(getattr(error, "messages", [str(error)])), messages.WARNING
                )
                continue
            if isinstance(statement_ids, list):
                tasks.queue_extraction(statement_ids)  # the new name is found in them now
            count += 1
        self.message_user(request, f"{done} {count} name{'s' if count != 1 else ''}.")

    @admin.action(description="Accept as new contacts or firms", permissions=["change"])
    def accept(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda pk: name_candidate_accept(candidate_id=pk, by=request.user),
            "Accepted",
        )

    @admin.action(description="Accept as another name of the similar one", permissions=["change"])
    def accept_as_same(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda pk: name_candidate_accept(candidate_id=pk, by=request.user, same=True),
            "Accepted",
        )

    @admin.action(description="Dismiss", permissions=["change"])
    def dismiss(self, request, queryset) -> None:
        self._each(
            request,
            queryset,
            lambda pk: name_candidate_dismiss(candidate_id=pk, by=request.user),
            "Dismissed",
        )
