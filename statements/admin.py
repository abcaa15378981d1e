from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from lib.sheets.admin import HistoryModelAdmin, TrackerModelAdmin
from lib.tasks import enqueue_each_after_commit

# finding_admin and import_admin register their admins when imported: Django's autodiscovery
# imports statements.admin only.
from . import finding_admin, import_admin, imports, tasks  # noqa: F401
from .admin_sensitivity import SensitivityAdminMixin
from .manual import manual_source, statement_paste
from .models import (
    Commitment,
    Mention,
    NameCandidate,
    Source,
    Statement,
)
from .parse import ParseError, parse_any
from .story_admin import CopyFilter


class PasteStatementForm(forms.ModelForm):
    """Add a statement by pasting its text or uploading a .txt, .html or .pdf file."""

    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18}),
        required=False,
        help_text="Title on the first line, then optional lines Date: YYYY-MM-DD and Speaker:, "
        "then the text. Or upload a file instead.",
    )
    upload = forms.FileField(required=False, help_text=".txt, .html or .pdf, up to 10 MB")

    class Meta:
        model = Statement
        fields = ["source", "url"]

    def clean(self):
        cleaned = super().clean()
        upload, text = cleaned.get("upload"), (cleaned.get("text") or "").strip()
        if bool(upload) == bool(text):
            raise forms.ValidationError("Paste the text or upload a file (one of the two).")
        if upload and upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError("The file is larger than 10 MB.")
        cleaned["body"] = upload.read() if upload else text.encode("utf-8")
        cleaned["name"] = upload.name if upload else ""
        try:
            parse_any(cleaned["body"], "", None, cleaned.get("url") or "", cleaned["name"])
        except ParseError as error:
            raise forms.ValidationError(f"No statement could be read: {error}") from error
        return cleaned


class LanguageFilter(admin.SimpleListFilter):
    """The languages statements are actually in, not every language the detector knows."""

    title = "language"
    parameter_name = "language"

    def lookups(self, request, model_admin):
        codes = Statement.objects.order_by("language").values_list("language", flat=True)
        return [(code or "unknown", code or "unknown") for code in codes.distinct()]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(language="" if self.value() == "unknown" else self.value())


@admin.register(Source)
class SourceAdmin(HistoryModelAdmin):
    list_display = ["name", "kind", "url", "is_active", "last_run_at", "failure_count"]
    list_filter = ["kind", "is_active"]
    list_select_related = ["country"]
    search_fields = ["name", "url", "path"]
    autocomplete_fields = ["country"]
    readonly_fields = ["etag", "last_modified", "last_run_at", "failure_count", "last_error"]
    actions = ["import_now"]

    def get_readonly_fields(self, request, obj=None):
        # A folder source reads files on the worker's host: only a superuser says which.
        fields = list(super().get_readonly_fields(request, obj))
        return fields if request.user.is_superuser else [*fields, "path"]

    @admin.action(description="Import selected sources now", permissions=["change"])
    def import_now(self, request, queryset) -> None:
        # Claimed like a due source, so that if the broker is down the claim runs out and the
        # next beat tick queues them instead.
        sources = imports.sources_claim(queryset.exclude(kind=Source.Kind.MANUAL))
        enqueue_each_after_commit(tasks.import_source, ([source_id] for source_id in sources))
        self.message_user(request, f"Queued {len(sources)} imports; see Import runs.")


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class MentionInline(ReadOnlyInline):
    model = Mention
    fields = ["kind", "term", "role", "in_title", "start", "end", "snippet"]
    readonly_fields = fields


class CommitmentInline(ReadOnlyInline):
    model = Commitment
    fields = ["phrase", "sentence", "countries"]
    readonly_fields = fields


class NameCandidateInline(ReadOnlyInline):
    model = NameCandidate
    fields = ["kind", "title", "name", "country", "similar_firm", "similar_contact", "status"]
    readonly_fields = fields


@admin.register(Statement)
class StatementAdmin(SensitivityAdminMixin, TrackerModelAdmin):
    # Language and copies are filters, the story and extraction time on the change page: the
    # title needs the width at 1,366 px (docs/admin.md, "Layout").
    list_display = ["title", "source", "published_on", "speaker", "label_display"]
    list_filter = [
        ("source", admin.RelatedOnlyFieldListFilter),
        LanguageFilter,
        CopyFilter,
        "published_on",
        "sensitivity",
    ]
    list_select_related = ["source", "story"]
    # Searched by Statement.objects.search (full-text on PostgreSQL), see get_search_results.
    search_fields = ["title", "speaker", "text"]
    search_help_text = "Words in the title, speaker or text (full-text on PostgreSQL)."
    autocomplete_fields = ["source", "countries", "firms", "contacts", "areas", "policy_openings"]
    readonly_fields = [
        "text",
        "canonical_url",
        "content_hash",
        "fetched_at",
        "extracted_at",
        "source",
        "url",
        "language",
        "pages",
        "story_link",
        "is_copy",
        "other_copies",
    ]
    date_hierarchy = "published_on"
    inlines = [MentionInline, CommitmentInline, NameCandidateInline]
    actions = ["reprocess"]

    def get_search_results(self, request, queryset, search_term):
        return queryset.search(search_term), False

    @admin.display(description="story", ordering="story")
    def story_link(self, statement: Statement) -> str:
        if statement.story_id is None:
            return self.get_empty_value_display()
        url = reverse("admin:statements_story_change", args=[statement.story_id])
        return format_html('<a href="{}">{}</a>', url, statement.story)

    @admin.display(description="other copies")
    def other_copies(self, statement: Statement) -> str:
        """The story's other statements, lead first: where else this announcement ran."""
        if statement.story_id is None:
            return "None: no other source carries it."
        others = (
            Statement.objects.filter(story_id=statement.story_id)
            .exclude(pk=statement.pk)
            .select_related("source")
            .order_by("is_copy", "published_on", "pk")
        )
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> · {} · {}{}',
            (
                (
                    reverse("admin:statements_statement_change", args=[other.pk]),
                    other.title,
                    other.source.name,
                    other.published_on or "undated",
                    "" if other.is_copy else " (lead: extracted for the story)",
                )
                for other in others
            ),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = PasteStatementForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["source", "url", "text", "upload"]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else super().get_readonly_fields(request, obj)

    def get_inlines(self, request, obj):
        return [] if obj is None else super().get_inlines(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["initial"] = manual_source().pk
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        statement, created = statement_paste(
            body=form.cleaned_data["body"],
            name=form.cleaned_data["name"],
            url=obj.url,
            source=obj.source,
        )
        obj.pk, obj.title = statement.pk, statement.title
        if not created:
            self.message_user(request, "This statement was already stored.", messages.WARNING)

    @admin.action(description="Parse again from the kept bytes, then re-extract")
    def reprocess(self, request, queryset) -> None:
        ids = queryset.values_list("pk", flat=True)
        enqueue_each_after_commit(tasks.reprocess_statement, ([pk] for pk in ids))
        self.message_user(request, "Queued; refresh to see the results.")
