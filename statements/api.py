"""REST API for statements: sources, mentions and import runs (statements themselves are in
api_statements.py)."""

from __future__ import annotations

from rest_framework import serializers

from lib.api.serializers import ModelSerializer, ReadModelSerializer
from lib.api.viewsets import ModelViewSet, ReadOnlyViewSet
from lib.sheets.columns import columns
from partners.api import country_field

from .filters import ImportRunFilter, MentionFilter, SourceFilter
from .models import ImportRun, Mention, Source


class SourceSerializer(ModelSerializer):
    country = country_field(allow_null=True, required=False)
    country_name = serializers.CharField(
        source="country.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "name",
            "kind",
            "url",
            "path",
            "country",
            "country_name",
            "is_active",
            "interval_minutes",
            "max_items",
            "last_run_at",
            "next_run_at",
            "failure_count",
            "last_error",
            "updated_at",
        ]
        read_only_fields = ["last_run_at", "next_run_at", "failure_count", "last_error"]

    def validate_path(self, value: str) -> str:
        # A folder source reads files on the worker's host: only a superuser says which.
        current = self.instance.path if self.instance is not None else ""
        user = self.context["request"].user
        if value != current and not user.is_superuser:
            raise serializers.ValidationError("Only a superuser may set a folder path.")
        return value


class SourceViewSet(ModelViewSet):
    queryset = Source.objects.select_related("country")
    serializer_class = SourceSerializer
    filterset_class = SourceFilter
    ordering_fields = ["name", "updated_at", "next_run_at"]
    sheet_name = "sources"
    sheet_columns = columns(
        "id",
        "name",
        "kind",
        "url",
        ("country", "country__code"),
        "is_active",
        "interval_minutes",
        "last_run_at",
        "failure_count",
        "last_error",
    )


class MentionSerializer(ReadModelSerializer):
    entity = serializers.SerializerMethodField()

    class Meta:
        model = Mention
        fields = [
            "id",
            "statement",
            "kind",
            "term",
            "start",
            "end",
            "snippet",
            "country",
            "firm",
            "contact",
            "area",
            "entity",
        ]

    def get_entity(self, mention: Mention) -> str | None:
        entity = mention.entity
        return None if entity is None else str(entity)


class MentionViewSet(ReadOnlyViewSet):
    queryset = Mention.objects.select_related("country", "firm__country", "contact", "area")
    serializer_class = MentionSerializer
    filterset_class = MentionFilter
    ordering_fields = ["statement", "start"]
    sheet_name = "mentions"
    sheet_columns = columns("id", "statement_id", "kind", "term", "start", "end", "snippet")

    def get_queryset(self):
        return super().get_queryset().visible_to(self.request.user)


class ImportRunSerializer(ReadModelSerializer):
    source_name = serializers.CharField(source="source.name", read_only=True)

    class Meta:
        model = ImportRun
        fields = [
            "id",
            "source",
            "source_name",
            "status",
            "started_at",
            "finished_at",
            "fetched",
            "new",
            "duplicate",
            "failed",
            "errors",
        ]
        read_only_fields = fields


class ImportRunViewSet(ReadOnlyViewSet):
    queryset = ImportRun.objects.select_related("source")
    serializer_class = ImportRunSerializer
    filterset_class = ImportRunFilter
    ordering_fields = ["started_at"]
    sheet_name = "import-runs"
    sheet_columns = columns(
        "id",
        ("source", "source__name"),
        "status",
        "started_at",
        "finished_at",
        "fetched",
        "new",
        "duplicate",
        "failed",
    )
