from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F, Min, Q, Value
from django.db.models.functions import Concat
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from partners.api_support.errors import ErrorSerializer, PreconditionFailed
from partners.api_support.related import attach_pairs, pairs
from partners.api_support.sheets import attr, columns, labels
from partners.api_support.viewsets import (
    ModelViewSet,
    ReadOnlyViewSet,
    etag_of,
    if_match_versions,
)

from ..models import FollowUp, Note, Opportunity, Suggestion, Team
from ..suggestions import suggestion_accept, suggestion_dismiss
from .bulk import BulkUpsertMixin, FollowUpBulkMixin
from .filters import FollowUpFilter, NoteFilter, OpportunityFilter, SuggestionFilter
from .serializers import (
    FollowUpSerializer,
    NoteSerializer,
    OpportunitySerializer,
    SuggestionAcceptSerializer,
    SuggestionSerializer,
    TeamSerializer,
    visible_teams,
)

FIRM_LABEL = Concat(F("firm__name"), Value(" ("), F("firm__country__code"), Value(")"))


def opportunities_with_names(model=Opportunity):
    """Opportunities with team, owner and every related name in one query."""
    return (
        model.objects.select_related("team", "owner")
        .with_next_follow_up()
        .annotate(
            country_pairs=pairs(Opportunity, "countries", "code"),
            country_names=pairs(Opportunity, "countries", "name"),
            firm_pairs=pairs(Opportunity, "firms", FIRM_LABEL),
            area_pairs=pairs(Opportunity, "areas", "slug"),
            area_names=pairs(Opportunity, "areas", "name"),
            policy_opening_pairs=pairs(Opportunity, "policy_openings", "title"),
            statement_pairs=pairs(Opportunity, "statements", "title"),
        )
    )


OPPORTUNITY_COLUMNS = columns(
    "id",
    "external_id",
    "version",
    "title",
    "stage",
    ("team", attr("team.name")),
    ("owner", attr("owner.username")),
    ("countries", labels("country_pairs")),
    ("country_names", labels("country_names")),
    ("areas", labels("area_pairs")),
    ("firms", labels("firm_pairs")),
    "value",
    "currency",
    "probability",
    "expected_close",
    "close_reason",
    "next_follow_up",
    "description",
    "updated_at",
)

SHEET_FIELDS = [
    "id",
    "external_id",
    "version",
    "title",
    "stage",
    "team",
    "owner",
    "value",
    "currency",
    "probability",
    "expected_close",
    "close_reason",
    "description",
    "updated_at",
]

PRECONDITION = OpenApiResponse(
    ErrorSerializer, description="Stale If-Match or version: changed since you read it"
)


class TeamViewSet(ReadOnlyViewSet):
    """The teams you belong to (every team with the see-all permission)."""

    serializer_class = TeamSerializer
    queryset = Team.objects.all()
    ordering_fields = ["name"]

    def get_queryset(self):
        return visible_teams(self.request.user)


@extend_schema_view(
    update=extend_schema(responses={200: OpportunitySerializer, 412: PRECONDITION}),
    partial_update=extend_schema(responses={200: OpportunitySerializer, 412: PRECONDITION}),
    destroy=extend_schema(responses={204: None, 412: PRECONDITION}),
)
class OpportunityViewSet(BulkUpsertMixin, ModelViewSet):
    """Opportunities of your teams. Details carry an ETag (the version); send it back as
    If-Match (or `version` in the body) and a write over someone else's newer edit gets 412."""

    queryset = Opportunity.objects.all()
    serializer_class = OpportunitySerializer
    filterset_class = OpportunityFilter
    ordering_fields = [
        "updated_at",
        "created_at",
        "title",
        "stage",
        "value",
        "probability",
        "expected_close",
        "id",
    ]
    sheet_name = "opportunities"
    sheet_columns = OPPORTUNITY_COLUMNS
    action_permissions = {"bulk": ["add", "change"]}

    def get_queryset(self):
        return opportunities_with_names().visible_to(self.request.user)

    def get_sheet_queryset(self):
        # Only the exported columns: loading the rest costs more than writing the file.
        return (
            Opportunity.objects.select_related("team", "owner")
            .only(*SHEET_FIELDS, "team__name", "owner__username")
            .visible_to(self.request.user)
        )

    @staticmethod
    def sheet_prefetch(chunk: list[Opportunity]) -> None:
        attach_pairs(chunk, Opportunity, "countries", "code", "country_pairs")
        attach_pairs(chunk, Opportunity, "countries", "name", "country_names")
        attach_pairs(chunk, Opportunity, "areas", "slug", "area_pairs")
        attach_pairs(chunk, Opportunity, "firms", FIRM_LABEL, "firm_pairs")
        soonest = dict(
            FollowUp.objects.open()
            .filter(opportunity_id__any_of=[opportunity.pk for opportunity in chunk])
            .values("opportunity_id")
            .annotate(due=Min("due_date"))
            .values_list("opportunity_id", "due")
        )
        for opportunity in chunk:
            opportunity.next_follow_up = soonest.get(opportunity.pk)

    def get_object(self):
        obj = super().get_object()
        if self.request.method not in ("GET", "HEAD", "OPTIONS"):
            versions = if_match_versions(self.request)
            if versions is not None and obj.version not in versions:
                raise PreconditionFailed(
                    f"Changed by someone else since you read it (now version {obj.version})."
                )
        return obj

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            self.action in ("retrieve", "create", "update", "partial_update")
            and response.status_code < 300
            and isinstance(data, dict)
            and "version" in data
        ):
            response["ETag"] = etag_of(data["version"])
        return response


class FollowUpViewSet(FollowUpBulkMixin, ModelViewSet):
    """Follow-ups of your teams' opportunities."""

    queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering_fields = ["due_date", "updated_at", "created_at", "id"]
    sheet_name = "follow-ups"
    action_permissions = {"bulk": ["add", "change"]}
    sheet_columns = columns(
        "id",
        ("opportunity", attr("opportunity.external_id")),
        ("opportunity_title", attr("opportunity.title")),
        "title",
        ("owner", attr("owner.username")),
        "due_date",
        "kind",
        "status",
        "notes",
        "completed_at",
        "updated_at",
    )

    def get_queryset(self):
        return FollowUp.objects.select_related("opportunity", "owner").visible_to(self.request.user)


class NoteViewSet(ModelViewSet):
    """Notes on your teams' opportunities; the author is whoever writes it."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    ordering_fields = ["created_at", "updated_at", "id"]
    sheet_name = "notes"
    sheet_columns = columns(
        "id",
        ("opportunity", attr("opportunity.external_id")),
        ("opportunity_title", attr("opportunity.title")),
        ("author", attr("author.username")),
        "body",
        "created_at",
    )

    def get_queryset(self):
        return Note.objects.select_related("opportunity", "author").visible_to(self.request.user)

    def perform_create(self, serializer) -> None:
        self._reload(serializer, serializer.save(author=self.request.user))


class SuggestionViewSet(ReadOnlyViewSet):
    """Suggested opportunities from extraction, to accept or dismiss. One that points at
    another team's opportunity is not yours to see."""

    queryset = Suggestion.objects.all()
    serializer_class = SuggestionSerializer
    filterset_class = SuggestionFilter
    ordering_fields = ["created_at", "updated_at", "id"]
    action_permissions = {"accept": ["change"], "dismiss": ["change"]}
    sheet_name = "suggestions"
    sheet_columns = columns(
        "id",
        ("statement", attr("statement.title")),
        "key",
        "title",
        "status",
        ("countries", labels("country_pairs")),
        ("areas", labels("area_pairs")),
        "opportunity_id",
        "created_at",
    )

    def get_queryset(self):
        queryset = Suggestion.objects.select_related("statement", "decided_by").annotate(
            country_pairs=pairs(Suggestion, "countries", "code"),
            country_names=pairs(Suggestion, "countries", "name"),
            firm_pairs=pairs(Suggestion, "firms", FIRM_LABEL),
            area_pairs=pairs(Suggestion, "areas", "slug"),
            area_names=pairs(Suggestion, "areas", "name"),
        )
        visible = Opportunity.objects.visible_to(self.request.user)
        return queryset.filter(Q(opportunity__isnull=True) | Q(opportunity__in=visible))

    def _decided(self, suggestion_id: int) -> Response:
        suggestion = self.get_queryset().get(pk=suggestion_id)
        return Response(self.get_serializer(suggestion).data)

    @extend_schema(request=SuggestionAcceptSerializer, responses={200: SuggestionSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None) -> Response:
        """Accept: add to the matched opportunity, or create one in your (chosen) team."""
        suggestion = self.get_object()
        body = SuggestionAcceptSerializer(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        try:
            suggestion_accept(
                suggestion_id=suggestion.pk, by=request.user, team=body.validated_data.get("team")
            )
        except DjangoValidationError as error:
            raise serializers.ValidationError({"detail": " ".join(error.messages)}) from error
        return self._decided(suggestion.pk)

    @extend_schema(request=None, responses={200: SuggestionSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None) -> Response:
        suggestion = self.get_object()
        try:
            suggestion_dismiss(suggestion_id=suggestion.pk, by=request.user)
        except DjangoValidationError as error:
            raise serializers.ValidationError({"detail": " ".join(error.messages)}) from error
        return self._decided(suggestion.pk)
