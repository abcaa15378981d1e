"""REST API for statements: the list with the names of what each mentions, the detail with its
text and every mention (one query each), and POST to paste a statement."""

from __future__ import annotations

from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from lib.api.fields import IdsField, PairLabelsField
from lib.api.pagination import CappedPageNumberPagination
from lib.api.related import json_rows, pairs, parse_rows
from lib.api.serializers import ReadModelSerializer
from lib.api.viewsets import ReadOnlyViewSet
from lib.sheets.columns import Labels, columns

from .api import MentionSerializer
from .filters import StatementFilter
from .manual import statement_paste
from .models import Mention, Statement
from .parse import ParseError
from .search import snippet_html

RELATIONS = {
    "countries": "name",
    "firms": "name",
    "contacts": "name",
    "areas": "name",
    "policy_openings": "title",
}


class StatementSerializer(ReadModelSerializer):
    url = serializers.CharField(read_only=True, help_text="Where it was published, if known")
    source_name = serializers.CharField(source="source.name", read_only=True)
    countries = IdsField("countries_pairs")
    country_names = PairLabelsField(pairs_attr="countries_pairs")
    firms = IdsField("firms_pairs")
    firm_names = PairLabelsField(pairs_attr="firms_pairs")
    contacts = IdsField("contacts_pairs")
    contact_names = PairLabelsField(pairs_attr="contacts_pairs")
    areas = IdsField("areas_pairs")
    area_names = PairLabelsField(pairs_attr="areas_pairs")
    policy_openings = IdsField("policy_openings_pairs")
    policy_opening_titles = PairLabelsField(pairs_attr="policy_openings_pairs")
    search_snippet = serializers.SerializerMethodField(
        help_text="With ?search=: the matching passage as HTML, the text escaped and the matched "
        "words in <mark>; null otherwise"
    )

    class Meta:
        model = Statement
        fields = [
            "id",
            "source",
            "source_name",
            "url",
            "title",
            "published_on",
            "speaker",
            "language",
            "pages",
            "fetched_at",
            "extracted_at",
            "countries",
            "country_names",
            "firms",
            "firm_names",
            "contacts",
            "contact_names",
            "areas",
            "area_names",
            "policy_openings",
            "policy_opening_titles",
            "story",
            "is_copy",
            "search_snippet",
            "sensitivity",
            "updated_at",
        ]
        read_only_fields = fields

    def get_search_snippet(self, statement: Statement) -> str | None:
        if not hasattr(statement, "search_snippet"):
            return None
        request = self.context.get("request")
        query = request.query_params.get("search", "") if request is not None else ""
        return snippet_html(statement.search_snippet, query)


MENTION_FIELDS = {
    "id": "id",
    "kind": "kind",
    "term": "term",
    "start": "start",
    "end": "end",
    "snippet": "snippet",
    "country": "country_id",
    "firm": "firm_id",
    "contact": "contact_id",
    "area": "area_id",
    "entity": Coalesce("country__name", "firm__name", "contact__name", "area__name"),
}


@extend_schema_field(MentionSerializer(many=True, read_only=True))
class MentionsField(serializers.Field):
    """The statement's mentions, from the `mention_rows` annotation (no second query)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(read_only=True, source="*", **kwargs)

    def to_representation(self, statement: Statement) -> list[dict]:
        rows = parse_rows(getattr(statement, "mention_rows", None), list(MENTION_FIELDS))
        for row in rows:
            row["statement"] = statement.pk
        return sorted(rows, key=lambda row: (row["start"], row["id"]))


class StatementDetailSerializer(StatementSerializer):
    mentions = MentionsField()

    class Meta(StatementSerializer.Meta):
        fields = [*StatementSerializer.Meta.fields, "text", "mentions"]
        read_only_fields = fields


class StatementPasteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2_000_000, help_text="Plain text or HTML")
    name = serializers.CharField(
        max_length=300, required=False, default="", help_text="File name; .html is parsed as HTML"
    )
    url = serializers.URLField(max_length=1000, required=False, allow_blank=True, default="")


def statements_with_names():
    return Statement.objects.select_related("source").annotate(
        **{f"{name}_pairs": pairs(Statement, name, label) for name, label in RELATIONS.items()}
    )


class StatementViewSet(mixins.CreateModelMixin, ReadOnlyViewSet):
    """Statements as imported; the detail carries the text and every mention. POST pastes a
    statement (text or HTML), which goes through the same parsing and extraction as imports.
    `?search=` finds statements by their words: the newest 500 matches (`count_capped` when
    there were more), best match first unless `?ordering=` says otherwise, each with a
    highlighted snippet; `?is_copy=false` lists one per story."""

    serializer_class = StatementSerializer
    pagination_class = CappedPageNumberPagination
    filterset_class = StatementFilter
    ordering_fields = ["published_on", "created_at", "updated_at"]
    sheet_name = "statements"
    sheet_columns = columns(
        "id",
        ("source", "source__name"),
        "url",
        "title",
        "published_on",
        "speaker",
        "language",
        ("countries", Labels(Statement, "countries", RELATIONS["countries"])),
        ("areas", Labels(Statement, "areas", RELATIONS["areas"])),
        ("firms", Labels(Statement, "firms", RELATIONS["firms"])),
        "sensitivity",
        "updated_at",
    )

    def get_queryset(self):
        # Signatures and search vectors are for the database's own work: never sent.
        queryset = (
            statements_with_names().visible_to(self.request.user).defer("minhash", "search_vector")
        )
        if self.action == "retrieve":
            mentions = Mention.objects.filter(statement=OuterRef("pk"))
            queryset = queryset.annotate(
                mention_rows=json_rows(mentions, "statement", **MENTION_FIELDS)
            )
        else:
            queryset = queryset.defer("text")
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return StatementDetailSerializer
        if self.action == "create":
            return StatementPasteSerializer
        return StatementSerializer

    @extend_schema(
        request=StatementPasteSerializer,
        responses={
            201: OpenApiResponse(StatementSerializer, description="A new statement."),
            200: OpenApiResponse(
                StatementSerializer, description="The same text was already stored: that one."
            ),
            400: OpenApiResponse(
                description="No text found in it, or it is a restricted statement's text."
            ),
        },
    )
    def create(self, request, *args, **kwargs):
        paste = StatementPasteSerializer(data=request.data)
        paste.is_valid(raise_exception=True)
        data = paste.validated_data
        try:
            statement, new = statement_paste(
                body=data["text"].encode("utf-8"), name=data["name"], url=data["url"]
            )
        except ParseError as error:
            raise serializers.ValidationError({"text": str(error)}) from error
        found = statements_with_names().visible_to(request.user).filter(pk=statement.pk).first()
        if found is None:
            # The text is a restricted statement's: the paster has the text already, but not
            # its title, id or links.
            raise serializers.ValidationError({"text": "This text is already stored."})
        statement = found
        return Response(
            StatementSerializer(statement, context=self.get_serializer_context()).data,
            status=status.HTTP_201_CREATED if new else status.HTTP_200_OK,
        )
