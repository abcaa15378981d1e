"""`POST /api/opportunities/bulk/`: upsert a CSV, XLSX or JSON sheet keyed by external id."""

from __future__ import annotations

from dataclasses import asdict

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.api.errors import ErrorSerializer
from lib.api.fields import QueryBoolean
from lib.api.parsers import JSONParser
from lib.sheets.audit import UPLOAD
from lib.sheets.read import SheetError, SheetTooLarge

from ..sheets.models import UploadJob
from ..sheets.uploads import upload_receive
from .upload_jobs import UploadJobSerializer, upload_job_answer


class BulkUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, XLSX or JSON; the first row names the columns")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line in the file (the header is row 1)")
    external_id = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class RowChangeSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    external_id = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update"])
    fields = serializers.ListField(child=serializers.CharField())


class UpsertReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    atomic = serializers.BooleanField()
    applied = serializers.BooleanField(help_text="False for a dry run or a refused atomic upload")
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    changes = RowChangeSerializer(many=True, help_text="The first 1000 changes")


class BulkOptions(serializers.Serializer):
    dry_run = QueryBoolean(required=False, default=False)
    atomic = QueryBoolean(required=False, default=False)


def bulk_response(view, request, kind: str) -> Response:
    """The upsert's report (200, or 422 for a refused atomic upload), or for an upload of
    more than SHEETS_JOB_ROWS rows its queued job (202, with the status URL in Location). The
    upload is audited (lib.sheets.audit) whatever its outcome."""
    sent = view.sheet_sent_of(UPLOAD, "")
    view.sheet_sent_later(sent)
    upload = request.FILES.get("file")
    sent.fmt = (upload.name or "").rpartition(".")[2].lower()[:10] if upload else "json"
    options = BulkOptions(data=request.query_params)
    options.is_valid(raise_exception=True)
    received = {"kind": kind, "user": request.user, **options.validated_data}
    try:
        if "file" in request.FILES:
            upload = request.FILES["file"]
            report = upload_receive(name=upload.name or "", stream=upload.file, **received)
        elif isinstance(request.data, list | dict) and "file" not in request.data:
            report = upload_receive(data=request.data, **received)
        else:
            raise SheetError("Send a file (multipart field `file`) or a JSON list of rows.")
        if isinstance(report, UploadJob):
            # Its rows are counted by the job; the log names it.
            sent.filters = {**sent.filters, "upload_job": report.pk}
        else:
            sent.rows = report.created + report.updated + report.unchanged + len(report.errors)
            sent.complete = report.applied
    except SheetTooLarge as error:
        return Response({"file": [str(error)]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    except SheetError as error:
        raise serializers.ValidationError({"file": [str(error)]}) from error
    if isinstance(report, UploadJob):
        answer = upload_job_answer(report, request)
        return Response(
            answer, status=status.HTTP_202_ACCEPTED, headers={"Location": answer["url"]}
        )
    refused = report.atomic and bool(report.errors)
    return Response(
        asdict(report),
        status=status.HTTP_422_UNPROCESSABLE_ENTITY if refused else status.HTTP_200_OK,
    )


def bulk_schema(description: str):
    return extend_schema(
        request={
            "multipart/form-data": BulkUploadSerializer,
            "application/json": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": True},
            },
        },
        parameters=[
            OpenApiParameter(
                "dry_run", bool, description="Report what would change; write nothing"
            ),
            OpenApiParameter("atomic", bool, description="Write nothing unless every row is good"),
        ],
        responses={
            200: UpsertReportSerializer,
            202: OpenApiResponse(
                UploadJobSerializer,
                description="More rows than SHEETS_JOB_ROWS: queued as a job; poll `url` "
                "(also the Location header) for progress, then fetch `result_url`",
            ),
            422: OpenApiResponse(
                UpsertReportSerializer, description="atomic: rows were bad, nothing was written"
            ),
            400: OpenApiResponse(ErrorSerializer, description="The file cannot be read at all"),
            413: OpenApiResponse(
                ErrorSerializer,
                description="Over a cap: bytes, unpacked XLSX size or ratio, rows or columns",
            ),
        },
        description=description,
    )


BULK_PARSERS = [parsers.MultiPartParser, JSONParser]


class BulkUpsertMixin:
    """`POST /api/opportunities/bulk/`."""

    @bulk_schema(
        "Upsert opportunities from a sheet keyed by `external_id`. Columns as in the export; "
        "only the columns present are written. A row whose `version` is older than the stored "
        "one is refused, so a re-import never overwrites a newer edit."
    )
    @action(detail=False, methods=["post"], parser_classes=BULK_PARSERS)
    def bulk(self, request) -> Response:
        return bulk_response(self, request, UploadJob.Kind.OPPORTUNITIES)


class FollowUpBulkMixin:
    """`POST /api/follow-ups/bulk/`."""

    @bulk_schema(
        "Upsert follow-ups from a sheet: `opportunity` (external id), `title`, `due_date`, "
        "`kind`, `status`, `owner`, `notes`. An `id` as exported updates that follow-up; a row "
        "without one matches the opportunity's follow-up of the same title, or creates one. A "
        "row whose `version` is not the stored one is refused, so a re-import never overwrites "
        "a newer edit."
    )
    @action(detail=False, methods=["post"], parser_classes=BULK_PARSERS)
    def bulk(self, request) -> Response:
        return bulk_response(self, request, UploadJob.Kind.FOLLOW_UPS)
