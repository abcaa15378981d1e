from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import F
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.api.errors import ErrorSerializer
from lib.api.related import pairs, pairs_among
from lib.api.versions import VersionedViewSetMixin
from lib.api.viewsets import ModelViewSet, ReadOnlyViewSet
from lib.sheets.columns import Labels, columns
from statements.models import Statement

from ..models import FollowUp, Note, Opportunity, Suggestion, Team
from ..sheets.columns import FIRM_LABEL, FOLLOW_UP_COLUMNS, OPPORTUNITY_COLUMNS
from ..suggestions.triage import suggestion_accept, suggestion_dismiss
from ..tallies.adjust import tallies_adjusted
from ..tallies.models import FollowUpTally
from ..visibility import visible_teams
from .bulk import BulkUpsertMixin, FollowUpBulkMixin
from .duplicates import DUPLICATE_ACTIONS, OpportunityDuplicatesMixin
from .filters import FollowUpFilter, NoteFilter, OpportunityFilter, SuggestionFilter
from .serializers import (
    FollowUpSerializer,
    NoteSerializer,
    OpportunitySerializer,
    SuggestionAcceptSerializer,
    SuggestionSerializer,
    TeamSerializer,
)


def opportunities_with_names(model=Opportunity, user=None):
    """Opportunities with their team's and owner's names and every related name in one query;
    given the reader, the linked statements are those `user` may see (a restricted one's id is
    not theirs). The names are annotations, not a team and a user loaded per row: two thirds of
    a page's model instances and their dates, for two strings."""
    statements = (
        pairs(Opportunity, "statements", "title")
        if user is None
        else pairs_among(Opportunity, "statements", Statement.objects.visible_to(user), "title")
    )
    return model.objects.with_next_follow_up().annotate(
        team_name=F("team__name"),
        owner_username=F("owner__username"),
        country_pairs=pairs(Opportunity, "countries", "code", "name"),
        firm_pairs=pairs(Opportunity, "firms", FIRM_LABEL),
        area_pairs=pairs(Opportunity, "areas", "slug", "name"),
        policy_opening_pairs=pairs(Opportunity, "policy_openings", "title"),
        statement_pairs=statements,
    )


PRECONDITION = OpenApiResponse(
    ErrorSerializer, description="Stale If-Match or version: changed since you read it"
)


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description='The ETag you read, such as "3": a write over a newer version gets 412. Without '
    "it (or with `*`) the write goes ahead whatever the version.",
)


def etag(*codes: int) -> OpenApiParameter:
    return OpenApiParameter(
        "ETag",
        OpenApiTypes.STR,
        OpenApiParameter.HEADER,
        response=list(codes),
        description='The version, such as "3": send it back as If-Match with a write.',
    )


def versioned_schema(serializer):
    """The ETag of every detail, the If-Match and 412 of every write of a
    VersionedViewSetMixin viewset."""
    return extend_schema_view(
        retrieve=extend_schema(parameters=[etag(200)]),
        create=extend_schema(parameters=[etag(201)]),
        update=extend_schema(
            parameters=[IF_MATCH, etag(200)], responses={200: serializer, 412: PRECONDITION}
        ),
        partial_update=extend_schema(
            parameters=[IF_MATCH, etag(200)], responses={200: serializer, 412: PRECONDITION}
        ),
        destroy=extend_schema(parameters=[IF_MATCH], responses={204: None, 412: PRECONDITION}),
    )


class TeamViewSet(ReadOnlyViewSet):
    """The teams you belong to (every team with the see-all permission)."""

    serializer_class = TeamSerializer
    queryset = Team.objects.all()
    ordering_fields = ["name"]

    def get_queryset(self):
        return visible_teams(self.request.user)


@versioned_schema(OpportunitySerializer)
class OpportunityViewSet(
    VersionedViewSetMixin, BulkUpsertMixin, OpportunityDuplicatesMixin, ModelViewSet
):
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
    action_permissions = {"bulk": ["add", "change"], **DUPLICATE_ACTIONS}

    def get_queryset(self):
        queryset = opportunities_with_names(user=self.request.user).visible_to(self.request.user)
        if getattr(self, "action", None) != "list":
            # A write checks the owner against the team: the object's team and owner are read
            # in the same query. A page's rows need neither.
            queryset = queryset.select_related("team", "owner")
        return queryset

    def get_rows_queryset(self):
        return Opportunity.objects.visible_to(self.request.user)

    # An edit goes through `opportunity_save` and the serializer, which keep the tallies; a
    # new or deleted opportunity does not, so these two adjust them by it.
    def perform_create(self, serializer) -> None:
        with tallies_adjusted([]) as created:
            super().perform_create(serializer)
            created.append(serializer.instance)

    def perform_destroy(self, instance: Opportunity) -> None:
        with tallies_adjusted([instance]):
            super().perform_destroy(instance)


@versioned_schema(FollowUpSerializer)
class FollowUpViewSet(VersionedViewSetMixin, FollowUpBulkMixin, ModelViewSet):
    """Follow-ups of your teams' opportunities. Details carry an ETag (the version), as for
    opportunities: a write with a stale If-Match or `version` gets 412."""

    queryset = FollowUp.objects.all()
    serializer_class = FollowUpSerializer
    filterset_class = FollowUpFilter
    ordering_fields = ["due_date", "updated_at", "created_at", "id"]
    sheet_name = "follow-ups"
    action_permissions = {"bulk": ["add", "change"]}
    sheet_columns = FOLLOW_UP_COLUMNS

    def get_queryset(self):
        return FollowUp.objects.select_related("opportunity", "owner").visible_to(self.request.user)

    # An edit goes through `follow_up_save`, which keeps the open follow-ups' tallies; a new or
    # deleted follow-up does not, so these two adjust its opportunity's.
    def perform_create(self, serializer) -> None:
        under = [serializer.validated_data["opportunity"]]
        with tallies_adjusted(under, only=(FollowUpTally,)):
            super().perform_create(serializer)

    def perform_destroy(self, instance: FollowUp) -> None:
        with tallies_adjusted([instance.opportunity_id], only=(FollowUpTally,)):
            super().perform_destroy(instance)


class NoteViewSet(ModelViewSet):
    """Notes on your teams' opportunities; the author is whoever writes it."""

    queryset = Note.objects.all()
    serializer_class = NoteSerializer
    filterset_class = NoteFilter
    ordering_fields = ["created_at", "updated_at", "id"]
    sheet_name = "notes"
    sheet_columns = columns(
        "id",
        ("opportunity", "opportunity__external_id"),
        ("opportunity_title", "opportunity__title"),
        ("author", "author__username"),
        "body",
        "sensitivity",
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
        ("statement", "statement__title"),
        "key",
        "title",
        "status",
        ("countries", Labels(Suggestion, "countries", "code")),
        ("areas", Labels(Suggestion, "areas", "slug")),
        "opportunity_id",
        "created_at",
    )

    def get_queryset(self):
        queryset = Suggestion.objects.select_related("statement", "decided_by").annotate(
            country_pairs=pairs(Suggestion, "countries", "code", "name"),
            firm_pairs=pairs(Suggestion, "firms", FIRM_LABEL),
            area_pairs=pairs(Suggestion, "areas", "slug", "name"),
        )
        return queryset.visible_to(self.request.user)

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
