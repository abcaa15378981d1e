"""REST API for policy openings: each a step of its country's policy of its kind, checked by the
model's own rule for the step before."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from lib.api.related import pairs
from lib.api.viewsets import ModelViewSet
from lib.sheets.columns import Labels, columns

from .api import CountryAreasSerializer
from .filters import PolicyOpeningFilter
from .models import PolicyOpening


class PolicyOpeningSerializer(CountryAreasSerializer):
    class Meta:
        model = PolicyOpening
        fields = [
            "id",
            "country",
            "country_name",
            "kind",
            "title",
            "instrument",
            "effective_date",
            "announced_on",
            "cap",
            "route",
            "status",
            "previous",
            "areas",
            "area_names",
            "summary",
            "updated_at",
        ]
        extra_kwargs = {"previous": {"help_text": PolicyOpening.previous.field.help_text}}

    def validate(self, attrs: dict) -> dict:
        """The step before is one of the same country and kind, and never a loop: the model's
        own rule (PolicyOpening.clean), checked on the values this write would leave."""
        attrs = super().validate(attrs)
        if "previous" not in attrs and not ({"country", "kind"} & set(attrs)):
            return attrs
        probe = PolicyOpening(pk=getattr(self.instance, "pk", None))
        for name in ("country", "kind", "previous"):
            value = attrs.get(name, getattr(self.instance, name, None))
            if value is not None:
                setattr(probe, name, value)
        try:
            probe.clean()
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return attrs


class PolicyOpeningViewSet(ModelViewSet):
    queryset = PolicyOpening.objects.select_related("country").annotate(
        area_pairs=pairs(PolicyOpening, "areas", "slug", "name"),
    )
    serializer_class = PolicyOpeningSerializer
    filterset_class = PolicyOpeningFilter
    ordering_fields = ["title", "effective_date", "updated_at"]
    sheet_name = "policy-openings"
    sheet_columns = columns(
        "id",
        ("country", "country__code"),
        "kind",
        "title",
        "instrument",
        "effective_date",
        "cap",
        "status",
        ("areas", Labels(PolicyOpening, "areas", "slug")),
        "updated_at",
    )
