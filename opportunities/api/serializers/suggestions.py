"""Suggested opportunities, and the body of an accept."""

from __future__ import annotations

from rest_framework import serializers

from lib.api.fields import KeyRelatedField, ManyKeysField, PairLabelsField
from lib.api.serializers import ReadModelSerializer
from partners.models import Country, Firm, InvestmentArea

from ...models import Suggestion, Team
from ...visibility import visible_teams
from .keys import team_key


class SuggestionSerializer(ReadModelSerializer):
    statement_title = serializers.CharField(source="statement.title", read_only=True)
    countries = ManyKeysField(
        queryset=Country.objects.all(), pairs_attr="country_pairs", read_only=True
    )
    country_names = PairLabelsField(pairs_attr="country_pairs", part=2)
    firms = ManyKeysField(queryset=Firm.objects.all(), pairs_attr="firm_pairs", read_only=True)
    firm_names = PairLabelsField(pairs_attr="firm_pairs")
    areas = ManyKeysField(
        queryset=InvestmentArea.objects.all(), pairs_attr="area_pairs", read_only=True
    )
    area_names = PairLabelsField(pairs_attr="area_pairs", part=2)
    decided_by_username = serializers.CharField(
        source="decided_by.username", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Suggestion
        fields = [
            "id",
            "statement",
            "statement_title",
            "key",
            "title",
            "summary",
            "countries",
            "country_names",
            "firms",
            "firm_names",
            "areas",
            "area_names",
            "status",
            "opportunity",
            "decided_by",
            "decided_by_username",
            "decided_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SuggestionAcceptSerializer(serializers.Serializer):
    team = KeyRelatedField(
        queryset=Team.objects.all(),
        natural=team_key,
        required=False,
        allow_null=True,
        help_text="Team for a new opportunity, if you are in several",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["team"].queryset = visible_teams(request.user)
