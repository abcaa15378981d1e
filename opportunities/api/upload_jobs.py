"""`/api/upload-jobs/`: the status of large bulk uploads (run by a worker), and their results.

A job is seen by its uploader and by whoever sees the uploader's team (`UploadJob.objects
.visible_to`); anyone else gets a 404.
"""

from __future__ import annotations

from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.reverse import reverse

from lib.api.serializers import ReadModelSerializer
from lib.api.viewsets import ReadOnlyViewSet

from ..sheets.job_results import upload_job_result_response
from ..sheets.models import UploadJob, UploadRowError

ERRORS_SHOWN = 100


class UploadRowErrorSerializer(serializers.ModelSerializer):
    class Meta:
        model = UploadRowError
        fields = ["row", "external_id", "errors"]
        read_only_fields = fields


class UploadJobSerializer(ReadModelSerializer):
    url = serializers.SerializerMethodField(help_text="This status, to poll")
    result_url = serializers.SerializerMethodField(help_text="Counts and row errors as CSV")
    list = serializers.CharField(source="kind", read_only=True)
    file = serializers.CharField(source="name", read_only=True)
    uploaded_by = serializers.CharField(source="user.username", default=None, read_only=True)
    percent = serializers.IntegerField(read_only=True, allow_null=True)
    errors = UploadRowErrorSerializer(
        source="first_errors", many=True, read_only=True, help_text="The first 100 bad rows"
    )

    class Meta:
        model = UploadJob
        fields = [
            "id",
            "url",
            "result_url",
            "list",
            "file",
            "uploaded_by",
            "status",
            "rows_total",
            "rows_done",
            "percent",
            "dry_run",
            "atomic",
            "applied",
            "created",
            "updated",
            "unchanged",
            "error_count",
            "errors",
            "failure",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, job: UploadJob) -> str:
        return reverse("uploadjob-detail", args=[job.pk], request=self.context.get("request"))

    def get_result_url(self, job: UploadJob) -> str:
        return reverse("uploadjob-result", args=[job.pk], request=self.context.get("request"))


def upload_job_answer(job: UploadJob, request) -> dict:
    """The 202 answer of a bulk upload that became a job: its status, as the status URL
    would give it now."""
    job.first_errors = []
    return UploadJobSerializer(job, context={"request": request}).data


class UploadJobViewSet(ReadOnlyViewSet):
    serializer_class = UploadJobSerializer
    queryset = UploadJob.objects.all()
    ordering_fields = ["created_at"]

    def get_queryset(self):
        return (
            UploadJob.objects.visible_to(self.request.user)
            # The file may be tens of megabytes: never read for a status.
            .defer("data")
            .select_related("user")
            .prefetch_related(
                Prefetch(
                    "row_errors",
                    UploadRowError.objects.order_by("row", "pk")[:ERRORS_SHOWN],
                    to_attr="first_errors",
                )
            )
        )

    @extend_schema(
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The counts, a blank line, then `row, external_id, field, error` "
                "for every field error of every bad row",
            )
        }
    )
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        return upload_job_result_response(self.get_object())
