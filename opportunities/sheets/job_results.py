"""An upload job's result as a CSV file: its counts, then one line per field error of each bad
row. Every cell goes through the export's formula guard: row errors quote what was uploaded."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import StreamingHttpResponse

from lib.sheets.export import cell, csv_lines

from .models import UploadJob, UploadRowError

SUMMARY = (
    "list",
    "file",
    "status",
    "rows_total",
    "rows_done",
    "created",
    "updated",
    "unchanged",
    "errors",
    "applied",
    "dry_run",
    "atomic",
    "failure",
)


def upload_job_result_rows(job: UploadJob) -> Iterator[list[Any]]:
    yield list(SUMMARY)
    yield [
        cell(value)
        for value in (
            job.kind,
            job.name,
            job.status,
            job.rows_total,
            job.rows_done,
            job.created,
            job.updated,
            job.unchanged,
            job.error_count,
            job.applied,
            job.dry_run,
            job.atomic,
            job.failure,
        )
    ]
    yield []
    yield ["row", "external_id", "field", "error"]
    errors = UploadRowError.objects.filter(job=job).order_by("row", "pk")
    for row, external_id, fields in errors.values_list("row", "external_id", "errors").iterator(
        chunk_size=2000
    ):
        for field, messages in fields.items():
            for message in messages:
                yield [row, cell(external_id), cell(field), cell(message)]


def upload_job_result_response(job: UploadJob) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(upload_job_result_rows(job)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="upload-{job.pk}-result.csv"'
    return response
