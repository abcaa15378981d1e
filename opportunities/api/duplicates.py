"""`GET /api/opportunities/duplicates/`, `POST /api/opportunities/merge/` and `merge/undo/`:
the admin's *Possible duplicates* and *Merge* over the API, thin over the same services
(`opportunities/duplicates.py`, `opportunities/merging.py`) with the admin's rules: the pairs
are of open work the user may see, looking needs the change permission, merging change and
delete; a merge names only opportunities the user may see, and moves versions on as the
admin's does (no If-Match: both are taken as they are when locked)."""

from __future__ import annotations

from django.db.models import F
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from lib.api.errors import ErrorSerializer
from lib.api.pagination import PageNumberPagination
from partners.api_actions import MergeActionMixin, MergeResultSerializer, merge_request_serializer

from ..duplicates import opportunity_duplicates
from ..merging import OPPORTUNITY_FIELDS, opportunity_merge, opportunity_merge_undo
from ..models import Opportunity

DUPLICATE_ACTIONS = {
    "duplicates": ["change"],  # as the admin's page: who works the list, not who reads it
    "merge": ["change", "delete"],
    "merge_undo": ["change", "delete"],  # whoever may merge may undo one
}


class _Merge(merge_request_serializer(Opportunity, None, OPPORTUNITY_FIELDS)):  # type: ignore[misc]
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Only work the user may see can be named: another team's (or a restricted one, for
        # those not cleared) is "no such opportunity", as the admin's merge page answers 404.
        request = self.context.get("request")  # none when the schema is drawn
        visible = (
            Opportunity.objects.visible_to(request.user)
            if request is not None
            else Opportunity.objects.none()
        )
        for name in ("survivor", "loser"):
            self.fields[name].queryset = visible


_Merge.__name__ = "OpportunityMergeRequestSerializer"


class DuplicateSideSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    stage = serializers.ChoiceField(choices=Opportunity.Stage.choices)
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    version = serializers.IntegerField()


class OpportunityDuplicateSerializer(serializers.Serializer):
    first = DuplicateSideSerializer(help_text="The lower id: the survivor the admin offers")
    second = DuplicateSideSerializer()
    score = serializers.IntegerField(min_value=0, max_value=100)
    reason = serializers.CharField()


class OpportunityDuplicatePageSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    read_capped = serializers.IntegerField(
        allow_null=True,
        help_text="Set (to N) when more open opportunities were visible than were compared: "
        "the pairs are among the N most recently changed.",
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = OpportunityDuplicateSerializer(many=True)


class OpportunityDuplicatesMixin(MergeActionMixin):
    """The duplicates list and the merge actions of the opportunities' viewset."""

    merge_request = _Merge
    merge_service = staticmethod(opportunity_merge)
    undo_service = staticmethod(opportunity_merge_undo)

    @extend_schema(
        responses={200: OpportunityDuplicatePageSerializer},
        description="Possible duplicate opportunities: pairs of your teams' open ones (won and "
        "lost left out) with the same or overlapping partner countries and close titles, best "
        "score first, as on the admin's Possible duplicates page. Needs the change permission.",
        filters=False,
    )
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def duplicates(self, request) -> Response:
        found = opportunity_duplicates(user=request.user)
        paginator = PageNumberPagination()
        pairs = paginator.paginate_queryset(found, request, view=self) or []
        ids = {pk for pair in pairs for pk in (pair.first_id, pair.second_id)}
        # One query for the page's opportunities, among those the user may see (the finder
        # read only those, so every pair's two are found).
        sides = {
            row["id"]: row
            for row in Opportunity.objects.visible_to(request.user)
            .filter(pk__in=ids)
            .order_by()
            .values("id", "title", "stage", "team", "version", team_name=F("team__name"))
        }
        results = [
            {
                "first": sides[pair.first_id],
                "second": sides[pair.second_id],
                "score": pair.score,
                "reason": pair.reason,
            }
            for pair in pairs
            if pair.first_id in sides and pair.second_id in sides
        ]
        return Response(
            {
                "count": len(found),
                "read_capped": found.capped,
                "next": paginator.get_next_link(),
                "previous": paginator.get_previous_link(),
                "results": results,
            }
        )

    @extend_schema(
        request=_Merge,
        responses={
            200: MergeResultSerializer,
            400: OpenApiResponse(
                ErrorSerializer,
                description="A bad body, the same opportunity twice, or one you may not see",
            ),
            403: OpenApiResponse(ErrorSerializer, description="Without change and delete"),
        },
        description="Merge two opportunities (two desks opened the same one), as the admin's "
        "Merge page does: follow-ups, notes, suggestions, partner countries, firms, areas, "
        "policy openings and statements move to the survivor; its stage, team and owner stay; "
        "`take` names the fields whose value comes from the loser, which is deleted. Both "
        "must be opportunities you may see. The survivor's version moves on (an ETag read "
        "before is stale). Logged; undo with `merge/undo/`. Needs change and delete.",
    )
    @action(detail=False, methods=["post"])
    def merge(self, request) -> Response:
        return self.merge_response(request)
