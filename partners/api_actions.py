"""`POST /api/firms/merge/`, `/api/contacts/merge/`, and the bulk upserts `firms/bulk/` and
`contacts/bulk/`: thin actions over `partners/merging.py` and `partners/upsert.py`."""

from __future__ import annotations

from dataclasses import asdict

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.api.errors import ErrorSerializer
from lib.api.fields import KeyRelatedField, QueryBoolean
from lib.api.parsers import JSONParser
from lib.sheets.read import SheetError, SheetTooLarge, read_json, read_upload

from .merge_log import MergeLog
from .merging import partner_merge_undo


class MergeResultSerializer(serializers.Serializer):
    merge = serializers.IntegerField(help_text="The merge log entry (undo it in the admin)")
    survivor = serializers.IntegerField()
    loser_label = serializers.CharField(help_text="What was merged away, as it was named")
    links_moved = serializers.IntegerField()
    fields_taken = serializers.ListField(child=serializers.CharField())


def merge_request_serializer(model, natural, choosable: tuple[str, ...]):
    def key_field(help_text: str) -> KeyRelatedField:
        return KeyRelatedField(queryset=model.objects.all(), natural=natural, help_text=help_text)

    class Request(serializers.Serializer):
        survivor = key_field("The record that stays: id or natural key")
        loser = key_field("The record merged into it and deleted (kept as an alias)")
        # A multiple choice, not a list of choices: a list's errors are keyed by position,
        # which JSON cannot carry as keys.
        take = serializers.MultipleChoiceField(
            choices=choosable,
            required=False,
            default=list,
            help_text="Fields whose value comes from the loser; the others stay the survivor's",
        )

        def validate(self, attrs: dict) -> dict:
            attrs["take"] = [name for name in choosable if name in attrs["take"]]
            if attrs["survivor"].pk == attrs["loser"].pk:
                raise serializers.ValidationError({"loser": ["Choose another record."]})
            return attrs

    Request.__name__ = f"{model.__name__}MergeRequestSerializer"
    return Request


class UpsertChangeSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    id = serializers.IntegerField()
    name = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update"])
    fields = serializers.ListField(child=serializers.CharField())


class UpsertErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(help_text="Line in the file (the header is row 1)")
    name = serializers.CharField(allow_null=True)
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class PartnerUpsertReportSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    applied = serializers.BooleanField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    errors = UpsertErrorSerializer(many=True)
    changes = UpsertChangeSerializer(many=True, help_text="The first 1000 changes")


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, XLSX or JSON; the first row names the columns")


class DryRunSerializer(serializers.Serializer):
    dry_run = QueryBoolean(required=False, default=False)


class UndoRequestSerializer(serializers.Serializer):
    merge = serializers.IntegerField(min_value=1, help_text="The merge log entry to undo")


class UndoResultSerializer(serializers.Serializer):
    merge = serializers.IntegerField()
    restored = serializers.IntegerField(help_text="The merged-away record, back with its id")


class MergeActionMixin:
    """A viewset's `merge` action: `merge_request` (made by `merge_request_serializer`) checks
    the body, `merge_service` merges; and `merge/undo/`, which undoes one from its log."""

    merge_request: type[serializers.Serializer]
    merge_service = None
    undo_service = staticmethod(partner_merge_undo)

    def merge_response(self, request) -> Response:
        # The request in the context: a request serializer may offer only what the user sees.
        body = self.merge_request(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            log = type(self).merge_service(**body.validated_data, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"detail": error.messages}) from error
        shown = {
            "merge": log.pk,
            "survivor": log.survivor_id,
            "loser_label": log.loser_label,
            "links_moved": log.links_moved,
            "fields_taken": log.fields_taken,
        }
        return Response(shown, status=status.HTTP_200_OK)

    @extend_schema(
        request=UndoRequestSerializer,
        responses={
            200: UndoResultSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="No such merge of this kind, already undone, or a "
                "record made since clashes with the one to restore",
            ),
        },
        description="Undo a merge from its log entry (the `merge` a merge answered): the "
        "merged-away record comes back as it was, with every link that moved.",
    )
    @action(detail=False, methods=["post"], url_path="merge/undo", url_name="merge-undo")
    def merge_undo(self, request) -> Response:
        body = UndoRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        log = MergeLog.objects.filter(
            pk=body.validated_data["merge"], model=self.queryset.model._meta.label_lower
        ).first()
        if log is None:
            raise serializers.ValidationError({"merge": ["No merge of this kind with this id."]})
        try:
            restored = type(self).undo_service(log=log, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"detail": error.messages}) from error
        return Response({"merge": log.pk, "restored": restored.pk})


def merge_schema(noun: str, request_serializer):
    return extend_schema(
        request=request_serializer,
        responses={
            200: MergeResultSerializer,
            400: OpenApiResponse(ErrorSerializer, description="A bad body, or the same record"),
        },
        description=f"Merge two {noun}s: every link of the loser moves to the survivor, the "
        "aliases are united and the loser's name becomes one, and the loser is deleted. "
        "Logged; an undo is in the admin (Merges). Needs change and delete permissions.",
    )


def bulk_response(request, upsert) -> Response:
    options = DryRunSerializer(data=request.query_params)
    options.is_valid(raise_exception=True)
    try:
        if "file" in request.FILES:
            upload = request.FILES["file"]
            rows = read_upload(upload.name or "", upload.file)
        elif isinstance(request.data, list | dict) and "file" not in request.data:
            rows = read_json(request.data)
        else:
            raise SheetError("Send a file (multipart field `file`) or a JSON list of rows.")
        report = upsert(rows=rows, user=request.user, **options.validated_data)
    except SheetTooLarge as error:
        return Response({"file": [str(error)]}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    except SheetError as error:
        raise serializers.ValidationError({"file": [str(error)]}) from error
    return Response(asdict(report))


def bulk_schema(description: str):
    return extend_schema(
        request={
            "multipart/form-data": UploadSerializer,
            "application/json": {
                "type": "array",
                "items": {"type": "object", "additionalProperties": True},
            },
        },
        parameters=[
            OpenApiParameter("dry_run", bool, description="Report what would change; write nothing")
        ],
        responses={
            200: PartnerUpsertReportSerializer,
            400: OpenApiResponse(ErrorSerializer, description="The file cannot be read at all"),
            413: OpenApiResponse(ErrorSerializer, description="Over an upload cap"),
        },
        description=description,
    )


BULK_PARSERS = [parsers.MultiPartParser, JSONParser]
TWIN_RULE = (
    " A row whose name differs from a stored one of the same country only by case, "
    "punctuation or a legal form (Ltd, K.K., GmbH...) updates that one: no twin is created."
)


def bulk_action():
    return action(detail=False, methods=["post"], parser_classes=BULK_PARSERS)


def merge_action():
    return action(detail=False, methods=["post"])
