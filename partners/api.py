"""REST API for partners: countries, investment areas, firms and contacts (policy openings are
in api_policy.py)."""

from __future__ import annotations

from rest_framework import serializers

from lib.api.fields import KeyRelatedField, ManyKeysField, PairLabelsField
from lib.api.related import pairs
from lib.api.serializers import ModelSerializer
from lib.api.viewsets import ModelViewSet
from lib.sheets.columns import Labels, columns

from .api_actions import (
    TWIN_RULE,
    MergeActionMixin,
    bulk_action,
    bulk_response,
    bulk_schema,
    merge_action,
    merge_request_serializer,
    merge_schema,
)
from .filters import (
    ContactFilter,
    CountryFilter,
    FirmFilter,
    InvestmentAreaFilter,
)
from .keys import area_key, country_key, firm_key
from .merging import CONTACT_FIELDS, FIRM_FIELDS, contact_merge, firm_merge
from .models import Contact, Country, Firm, InvestmentArea
from .upsert import contacts_upsert, firms_upsert


def country_field(**kwargs) -> KeyRelatedField:
    return KeyRelatedField(queryset=Country.objects.all(), natural=country_key, **kwargs)


class CountrySerializer(ModelSerializer):
    class Meta:
        model = Country
        fields = [
            "id",
            "code",
            "alpha_3",
            "name",
            "official_name",
            "demonyms",
            "aliases",
            "translated_names",
            "updated_at",
        ]


class CountryViewSet(ModelViewSet):
    """Countries (ISO 3166); write with the two-letter code."""

    queryset = Country.objects.all()
    serializer_class = CountrySerializer
    filterset_class = CountryFilter
    ordering_fields = ["name", "code", "updated_at"]
    sheet_name = "countries"
    sheet_columns = columns("id", "code", "alpha_3", "name", "official_name", "updated_at")


class InvestmentAreaSerializer(ModelSerializer):
    parent = KeyRelatedField(
        queryset=InvestmentArea.objects.all(), natural=area_key, allow_null=True, required=False
    )
    parent_name = serializers.CharField(
        source="parent.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = InvestmentArea
        fields = [
            "id",
            "name",
            "slug",
            "parent",
            "parent_name",
            "description",
            "keywords",
            "updated_at",
        ]


class InvestmentAreaViewSet(ModelViewSet):
    """Investment areas; write the parent as its id or slug."""

    queryset = InvestmentArea.objects.select_related("parent")
    serializer_class = InvestmentAreaSerializer
    filterset_class = InvestmentAreaFilter
    ordering_fields = ["name", "slug", "updated_at"]
    sheet_name = "investment-areas"
    sheet_columns = columns("id", "name", "slug", ("parent", "parent__slug"), "description")


# A record of one country with investment areas (firms, policy openings): the country as id or
# ISO code, the areas as ids or slugs, names beside both. (A comment, not a docstring: the
# schema describes each serializer by the docstring it inherits.)
class CountryAreasSerializer(ModelSerializer):
    country = country_field()
    country_name = serializers.CharField(source="country.name", read_only=True)
    areas = ManyKeysField(
        queryset=InvestmentArea.objects.all(), pairs_attr="area_pairs", natural=area_key
    )
    area_names = PairLabelsField(pairs_attr="area_pairs", part=2)


class FirmSerializer(CountryAreasSerializer):
    class Meta:
        model = Firm
        fields = [
            "id",
            "name",
            "country",
            "country_name",
            "kind",
            "aliases",
            "areas",
            "area_names",
            "website",
            "external_id",
            "updated_at",
        ]


FirmMergeRequest = merge_request_serializer(Firm, firm_key, FIRM_FIELDS)
ContactMergeRequest = merge_request_serializer(Contact, None, CONTACT_FIELDS)
# A merge deletes the loser; a bulk upsert adds and changes.
PARTNER_ACTIONS = {
    "merge": ["change", "delete"],
    "merge_undo": ["change", "delete"],  # whoever may merge may undo one
    "bulk": ["add", "change"],
}


class FirmViewSet(MergeActionMixin, ModelViewSet):
    """Firms; write the country as id or ISO code and areas as ids or slugs. A firm's key in
    other endpoints is its id or "Name (JP)"."""

    queryset = Firm.objects.select_related("country").annotate(
        area_pairs=pairs(Firm, "areas", "slug", "name")
    )
    serializer_class = FirmSerializer
    filterset_class = FirmFilter
    ordering_fields = ["name", "updated_at", "kind"]
    sheet_name = "firms"
    sheet_columns = columns(
        "id",
        "external_id",
        "name",
        ("country", "country__code"),
        ("country_name", "country__name"),
        "kind",
        ("areas", Labels(Firm, "areas", "slug")),
        "website",
        "updated_at",
    )
    action_permissions = PARTNER_ACTIONS
    merge_request = FirmMergeRequest
    merge_service = staticmethod(firm_merge)

    @merge_schema("firm", FirmMergeRequest)
    @merge_action()
    def merge(self, request):
        return self.merge_response(request)

    @bulk_schema(
        "Upsert firms from a sheet: `id`, `external_id`, `name`, `country` (ISO code), `kind`, "
        "`aliases` and `areas` (slugs) separated by `; `, `website`. Only the columns present "
        "are written." + TWIN_RULE
    )
    @bulk_action()
    def bulk(self, request):
        return bulk_response(request, firms_upsert)


class ContactSerializer(ModelSerializer):
    firm = KeyRelatedField(
        queryset=Firm.objects.all(), natural=firm_key, allow_null=True, required=False
    )
    firm_name = serializers.CharField(
        source="firm.name", read_only=True, default=None, allow_null=True
    )
    country = country_field(allow_null=True, required=False)
    country_name = serializers.CharField(
        source="country.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "role",
            "firm",
            "firm_name",
            "country",
            "country_name",
            "aliases",
            "email",
            "phone",
            "updated_at",
        ]


class ContactViewSet(MergeActionMixin, ModelViewSet):
    queryset = Contact.objects.select_related("firm", "country")
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "updated_at"]
    sheet_name = "contacts"
    sheet_columns = columns(
        "id",
        "name",
        "role",
        ("firm", "firm__name"),
        ("country", "country__code"),
        "email",
        "phone",
        "updated_at",
    )
    action_permissions = PARTNER_ACTIONS
    merge_request = ContactMergeRequest
    merge_service = staticmethod(contact_merge)

    @merge_schema("contact", ContactMergeRequest)
    @merge_action()
    def merge(self, request):
        return self.merge_response(request)

    @bulk_schema(
        "Upsert contacts from a sheet: `id`, `name`, `role`, `firm` (id or `Name (JP)`), "
        "`country` (ISO code), `aliases` (`; `), `email`, `phone`. A contact's country is its "
        "own or its firm's." + TWIN_RULE
    )
    @bulk_action()
    def bulk(self, request):
        return bulk_response(request, contacts_upsert)
