"""Teams and opportunities."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from lib.api.errors import PreconditionFailed
from lib.api.fields import (
    AnnotatedCharField,
    KeyRelatedField,
    ManyKeysField,
    PairLabelsField,
)
from lib.api.serializers import (
    ModelSerializer,
    ReadModelSerializer,
    VersionPreconditionMixin,
    version_field,
)
from partners.keys import area_key, country_key, firm_key
from partners.models import Country, Firm, InvestmentArea, PolicyOpening
from statements.models import Statement

from ...assignment import assignment_check
from ...models import Opportunity, Team
from ...money.kept import rates_kept
from ...money.rates import Rates
from ...services import StaleVersion, opportunity_save
from ...tallies.adjust import tallies_adjusted
from ...visibility import visible_teams
from .keys import owner_field, team_key
from .sensitivity import SensitivityLabelMixin


class TeamSerializer(ReadModelSerializer):
    class Meta:
        model = Team
        fields = ["id", "name"]


def context_rates(context: dict) -> Rates:
    """The rates of this response, looked up once: a list's rows share their root's context.
    Kept per process (money/kept.py), not read for every request."""
    if "reporting_rates" not in context:
        context["reporting_rates"] = rates_kept()
    return context["reporting_rates"]


class ReportingValueField(serializers.DecimalField):
    """The value in the reporting currency at the newest rates; null without a rate."""

    def __init__(self, **kwargs) -> None:
        super().__init__(
            max_digits=30, decimal_places=2, source="*", read_only=True, allow_null=True, **kwargs
        )

    def to_representation(self, opportunity: Opportunity):
        converted = context_rates(self.context).convert(opportunity.value, opportunity.currency)
        return None if converted is None else super().to_representation(converted)


class OpportunitySerializer(VersionPreconditionMixin, SensitivityLabelMixin, ModelSerializer):
    team = KeyRelatedField(
        queryset=Team.objects.all(), natural=team_key, help_text="Team id or name"
    )
    # Annotated by the API's queryset (opportunities_with_names) rather than read off a team
    # and a user loaded for every row.
    team_name = AnnotatedCharField(source="team.name", annotation="team_name")
    owner = owner_field()
    owner_username = AnnotatedCharField(
        source="owner.username", annotation="owner_username", default=None, allow_null=True
    )
    countries = ManyKeysField(
        queryset=Country.objects.all(),
        pairs_attr="country_pairs",
        natural=country_key,
        help_text="Ids or ISO codes",
    )
    country_names = PairLabelsField(pairs_attr="country_pairs", part=2)
    firms = ManyKeysField(
        queryset=Firm.objects.all(),
        pairs_attr="firm_pairs",
        natural=firm_key,
        help_text='Ids or "Name (JP)"',
    )
    firm_names = PairLabelsField(pairs_attr="firm_pairs")
    areas = ManyKeysField(
        queryset=InvestmentArea.objects.all(),
        pairs_attr="area_pairs",
        natural=area_key,
        help_text="Ids or slugs",
    )
    area_names = PairLabelsField(pairs_attr="area_pairs", part=2)
    policy_openings = ManyKeysField(
        queryset=PolicyOpening.objects.all(), pairs_attr="policy_opening_pairs"
    )
    policy_opening_titles = PairLabelsField(pairs_attr="policy_opening_pairs")
    # Narrowed to the statements the writer may see (__init__); the restricted links they
    # cannot see survive their write of the list.
    statements = ManyKeysField(
        queryset=Statement.objects.all(), pairs_attr="statement_pairs", keeps_unseen=True
    )
    version = version_field()
    next_follow_up = serializers.DateField(
        read_only=True, allow_null=True, help_text="Due date of the soonest open follow-up"
    )
    reporting_value = ReportingValueField(
        help_text="The value in reporting_currency at the newest exchange rates on or before "
        "today; null when the value is blank or its currency has no rate"
    )
    reporting_currency = serializers.SerializerMethodField(
        help_text="The reporting currency (the TRACKER_REPORTING_CURRENCY setting)"
    )

    class Meta:
        model = Opportunity
        fields = [
            "id",
            "external_id",
            "version",
            "title",
            "description",
            "stage",
            "team",
            "team_name",
            "owner",
            "owner_username",
            "countries",
            "country_names",
            "firms",
            "firm_names",
            "areas",
            "area_names",
            "policy_openings",
            "policy_opening_titles",
            "statements",
            "value",
            "currency",
            "reporting_value",
            "reporting_currency",
            "probability",
            "expected_close",
            "close_reason",
            "sensitivity",
            "closed_at",
            "stage_changed_at",
            "next_follow_up",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["closed_at", "stage_changed_at", "created_at", "updated_at"]
        extra_kwargs = {
            "probability": {"min_value": 0, "max_value": 100},
            "value": {"min_value": 0},
        }

    def get_reporting_currency(self, opportunity: Opportunity) -> str:
        return context_rates(self.context).reporting

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "team" in self.fields:
            self.fields["team"].queryset = visible_teams(request.user)
        if request is not None and "statements" in self.fields:
            self.fields["statements"].queryset = Statement.objects.visible_to(request.user)

    def validate(self, attrs: dict) -> dict:
        attrs = super().validate(attrs)
        owner = attrs.get("owner", getattr(self.instance, "owner", None))
        team = attrs.get("team", getattr(self.instance, "team", None))
        request = self.context.get("request")
        owner_changed = "owner" in attrs and attrs["owner"] != getattr(self.instance, "owner", None)
        if owner_changed and owner is not None and request is not None:
            try:
                assignment_check(by=request.user, owner=owner, team=team)
            except DjangoValidationError as error:
                raise serializers.ValidationError({"owner": error.messages}) from error
        return attrs

    def update(self, instance: Opportunity, validated_data: dict) -> Opportunity:
        many = self._many(validated_data)
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            opportunity_save(opportunity=instance, expected_version=instance.version)
        except StaleVersion as error:
            raise PreconditionFailed(str(error)) from error
        # The save adjusted the tallies before these links were in: adjust by them too.
        with tallies_adjusted([instance] if many else []):
            self._links_set(instance, many)
        return instance
