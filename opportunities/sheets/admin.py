"""The admin's side of the bulk upserts: *Upload a sheet* on the opportunity and follow-up
lists (a file, or cells pasted from a spreadsheet), and the upload jobs with their progress and
result. Both go through `uploads.upload_receive`, as the API does."""

from __future__ import annotations

import csv
import io

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from lib.sheets.read import SheetError

from .job_results import upload_job_result_response
from .models import UploadJob
from .uploads import upload_receive
from .upsert import UpsertReport

ERRORS_SHOWN = 20


class SheetUploadForm(forms.Form):
    file = forms.FileField(required=False, help_text="CSV, XLSX or JSON, as exported")
    pasted = forms.CharField(
        label="Or paste the cells",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 100}),
        help_text="Copied from a spreadsheet (tab-separated) or CSV; the first row names "
        "the columns",
    )
    dry_run = forms.BooleanField(required=False, help_text="Report what would change only")
    atomic = forms.BooleanField(required=False, help_text="Write nothing unless every row is good")

    def clean(self) -> dict:
        data = super().clean()
        if bool(data.get("file")) == bool((data.get("pasted") or "").strip()):
            raise forms.ValidationError("Choose a file or paste cells (one of the two).")
        return data

    def upload(self) -> tuple[str, io.BytesIO]:
        """The file, or the pasted cells as a CSV file."""
        if self.cleaned_data.get("file"):
            upload = self.cleaned_data["file"]
            return upload.name or "", upload.file
        text = self.cleaned_data["pasted"].strip("\r\n")
        if "\t" in text.splitlines()[0]:
            out = io.StringIO()
            csv.writer(out).writerows(csv.reader(io.StringIO(text), delimiter="\t"))
            text = out.getvalue()
        return "pasted.csv", io.BytesIO(text.encode())


def report_messages(request, report: UpsertReport) -> None:
    verb = "Would create" if report.dry_run or not report.applied else "Created"
    counts = f"{report.created} new, {report.updated} updated, {report.unchanged} unchanged"
    if report.atomic and report.errors:
        messages.error(request, f"Nothing written: {len(report.errors)} bad rows ({counts}).")
    else:
        messages.success(request, f"{verb}: {counts}.")
    for error in report.errors[:ERRORS_SHOWN]:
        fields = "; ".join(f"{name}: {' '.join(words)}" for name, words in error["errors"].items())
        messages.warning(request, f"Row {error['row']} ({error['external_id'] or '-'}): {fields}")
    if len(report.errors) > ERRORS_SHOWN:
        messages.warning(request, f"... and {len(report.errors) - ERRORS_SHOWN} more bad rows.")


class SheetUploadAdminMixin:
    """*Upload a sheet* on a list: small sheets are written at once, large ones become a job."""

    upload_kind: str = ""
    change_list_template = "admin/opportunities/upload_change_list.html"

    def get_urls(self):
        name = f"{self.model._meta.app_label}_{self.model._meta.model_name}_upload"
        upload = path("upload/", self.admin_site.admin_view(self.upload_view), name=name)
        return [upload, *super().get_urls()]

    def upload_view(self, request):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = SheetUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            name, stream = form.upload()
            try:
                received = upload_receive(
                    kind=self.upload_kind,
                    user=request.user,
                    name=name,
                    stream=stream,
                    dry_run=form.cleaned_data["dry_run"],
                    atomic=form.cleaned_data["atomic"],
                )
            except SheetError as error:  # SheetTooLarge included
                form.add_error(None, str(error))
            else:
                if isinstance(received, UploadJob):
                    messages.info(request, f"Queued as upload job {received.pk}: progress below.")
                    meta = UploadJob._meta
                    url = f"admin:{meta.app_label}_{meta.model_name}_change"
                    return HttpResponseRedirect(reverse(url, args=[received.pk]))
                report_messages(request, received)
                meta = self.model._meta
                url = f"admin:{meta.app_label}_{meta.model_name}_changelist"
                return HttpResponseRedirect(reverse(url))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Upload a sheet of {self.model._meta.verbose_name_plural}",
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/opportunities/sheet_upload.html", context)


@admin.register(UploadJob)
class UploadJobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "name", "user", "status", "progress", "counts", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["user"]
    search_fields = ["name", "user__username"]
    fields = [
        "kind",
        "name",
        "user",
        "team",
        "status",
        "progress",
        "counts",
        "dry_run",
        "atomic",
        "applied",
        "failure",
        "result",
        "first_errors",
        "attempts",
        "created_at",
        "started_at",
        "finished_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        # The file may be tens of megabytes: never read for a page.
        return super().get_queryset(request).defer("data").visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        job = super().get_object(request, object_id, from_field)
        if job is None:
            raise Http404("No such upload job among yours or your teams'.")
        return job

    def has_add_permission(self, request) -> bool:
        return False  # made by uploading a sheet

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        meta = self.model._meta
        result = path(
            "<path:object_id>/result/",
            self.admin_site.admin_view(self.result_view),
            name=f"{meta.app_label}_{meta.model_name}_result",
        )
        return [result, *super().get_urls()]

    def result_view(self, request, object_id):
        job = self.get_object(request, object_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return upload_job_result_response(job)

    @admin.display(description="Progress")
    def progress(self, job: UploadJob) -> str:
        if job.rows_total is None:
            return "counting rows" if job.status == UploadJob.Status.RUNNING else "-"
        return f"{job.rows_done:,} / {job.rows_total:,} rows ({job.percent}%)"

    @admin.display(description="Created / updated / unchanged / bad rows")
    def counts(self, job: UploadJob) -> str:
        return f"{job.created:,} / {job.updated:,} / {job.unchanged:,} / {job.error_count:,}"

    @admin.display(description="Result")
    def result(self, job: UploadJob) -> str:
        meta = self.model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_result", args=[job.pk])
        return format_html('<a href="{}">Download the counts and row errors (CSV)</a>', url)

    @admin.display(description=f"First {ERRORS_SHOWN} bad rows")
    def first_errors(self, job: UploadJob) -> str:
        errors = job.row_errors.order_by("row", "pk")[:ERRORS_SHOWN]
        lines = format_html_join(
            "",
            "<li>Row {} ({}): {}</li>",
            (
                (
                    error.row,
                    error.external_id or "-",
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in error.errors.items()),
                )
                for error in errors
            ),
        )
        return format_html("<ul>{}</ul>", lines) if lines else "-"
