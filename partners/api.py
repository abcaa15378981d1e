"""REST API for partners: countries, investment areas, firms, contacts, policy openings."""

from __future__ import annotations

import datetime
import re

import django_filters
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .api_support.fields import KeyRelatedField, ManyKeysField, PairLabelsField, as_pk, key_q
from .api_support.related import pairs
from .api_support.serializers import ModelSerializer
from .api_support.sheets import attr, columns, labels
from .api_support.viewsets import ModelViewSet
from .models import Contact, Country, Firm, InvestmentArea, PolicyOpening

FIRM_KEY = re.compile(r"^(?P<name>.+?)\s*\((?P<code>[A-Za-z]{2})\)$")


def country_key(value: str) -> Q | None:
    return Q(code__iexact=value) if len(value) == 2 else Q(name__iexact=value)


def area_key(value: str) -> Q:
    return Q(slug__iexact=value)


def firm_key(value: str) -> Q:
    """ "Mitsubishi Heavy Industries (JP)", or a name alone when it is unique."""
    match = FIRM_KEY.match(value)
    if match:
        return Q(name__iexact=match["name"], country__code__iexact=match["code"])
    return Q(name__iexact=value)


def firm_label():
    return Concat(F("firm__name"), Value(" ("), F("firm__country__code"), Value(")"))


def country_field(**kwargs) -> KeyRelatedField:
    return KeyRelatedField(queryset=Country.objects.all(), natural=country_key, **kwargs)


def search_filter(*fields: str) -> django_filters.CharFilter:
    def search(queryset, name, value):
        q = Q()
        for field in fields:
            q |= Q(**{f"{field}__icontains": value})
        return queryset.filter(q)

    return django_filters.CharFilter(
        method=search, max_length=200, label="Free-text search: " + ", ".join(fields)
    )


class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """ISO 8601 with a real-world offset (at most 14 hours): PostgreSQL refuses larger ones."""

    def filter(self, qs, value):
        offset = value.utcoffset() if value is not None else None
        if offset is not None and abs(offset) > datetime.timedelta(hours=14):
            raise serializers.ValidationError(
                {self.field_name: ["The time zone offset is out of range (at most ±14:00)."]}
            )
        return super().filter(qs, value)


def since_filter(field: str = "updated_at", label: str = "Changed at or after") -> DateTimeFilter:
    return DateTimeFilter(field_name=field, lookup_expr="gte", label=label)


@extend_schema_field({"type": "string", "enum": ["true", "false"]})
class FlagFilter(django_filters.ChoiceFilter):
    """true or false, anything else a 400 (django-filter's boolean quietly ignores a typo)."""


def flag_filter(method: str | None, label: str) -> FlagFilter:
    """Without a method it filters its own field by the boolean."""

    def by_flag(queryset, name, value):
        return queryset.filter(**{name: value == "true"})

    return FlagFilter(
        choices=[("true", "true"), ("false", "false")], method=method or by_flag, label=label
    )


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
            "updated_at",
        ]


class CountryFilter(django_filters.FilterSet):
    q = search_filter("name", "code", "official_name")
    updated_since = since_filter()

    class Meta:
        model = Country
        fields = ["code"]


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


class InvestmentAreaFilter(django_filters.FilterSet):
    q = search_filter("name", "slug", "description")
    updated_since = since_filter()

    class Meta:
        model = InvestmentArea
        fields = ["slug", "parent"]


class InvestmentAreaViewSet(ModelViewSet):
    """Investment areas; write the parent as its id or slug."""

    queryset = InvestmentArea.objects.select_related("parent")
    serializer_class = InvestmentAreaSerializer
    filterset_class = InvestmentAreaFilter
    ordering_fields = ["name", "slug", "updated_at"]
    sheet_name = "investment-areas"
    sheet_columns = columns("id", "name", "slug", ("parent", attr("parent.slug")), "description")


class FirmSerializer(ModelSerializer):
    country = country_field()
    country_name = serializers.CharField(source="country.name", read_only=True)
    areas = ManyKeysField(
        queryset=InvestmentArea.objects.all(), pairs_attr="area_pairs", natural=area_key
    )
    area_names = PairLabelsField(pairs_attr="area_names")

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


class FirmFilter(django_filters.FilterSet):
    q = search_filter("name", "external_id", "website")
    country = django_filters.CharFilter(
        method="by_country", max_length=100, label="Country id or ISO code"
    )
    area = django_filters.CharFilter(method="by_area", max_length=120, label="Area id or slug")
    updated_since = since_filter()

    class Meta:
        model = Firm
        fields = ["kind", "external_id"]

    def by_country(self, queryset, name, value):
        return queryset.filter(country__in=key_rows(Country.objects.all(), value, country_key))

    def by_area(self, queryset, name, value):
        return queryset.filter(areas__in=key_rows(InvestmentArea.objects.all(), value, area_key))


def key_rows(queryset, value: str, natural) -> list[int]:
    """The ids an id-or-key filter names; a malformed value is a 400. Resolved here, not as a
    subquery, so PostgreSQL plans with the actual id (its statistics know how common it is)."""
    q = key_q(value, natural)
    if q is None or as_pk(value) == -1:
        raise serializers.ValidationError({"filter": f"Not an id or key: {value!r}."})
    return list(queryset.filter(q).values_list("pk", flat=True)[:100])


class FirmViewSet(ModelViewSet):
    """Firms; write the country as id or ISO code and areas as ids or slugs. A firm's key in
    other endpoints is its id or "Name (JP)"."""

    queryset = Firm.objects.select_related("country").annotate(
        area_pairs=pairs(Firm, "areas", "slug"), area_names=pairs(Firm, "areas", "name")
    )
    serializer_class = FirmSerializer
    filterset_class = FirmFilter
    ordering_fields = ["name", "updated_at", "kind"]
    sheet_name = "firms"
    sheet_columns = columns(
        "id",
        "external_id",
        "name",
        ("country", attr("country.code")),
        ("country_name", attr("country.name")),
        "kind",
        ("areas", labels("area_pairs")),
        "website",
        "updated_at",
    )


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


class ContactFilter(django_filters.FilterSet):
    q = search_filter("name", "role", "email")
    country = django_filters.CharFilter(
        method="by_country", max_length=100, label="Country id or ISO code"
    )
    updated_since = since_filter()

    class Meta:
        model = Contact
        fields = ["firm"]

    def by_country(self, queryset, name, value):
        return queryset.filter(country__in=key_rows(Country.objects.all(), value, country_key))


class ContactViewSet(ModelViewSet):
    queryset = Contact.objects.select_related("firm", "country")
    serializer_class = ContactSerializer
    filterset_class = ContactFilter
    ordering_fields = ["name", "updated_at"]
    sheet_name = "contacts"
    sheet_columns = columns(
        "id",
        "name",
        "role",
        ("firm", attr("firm.name")),
        ("country", attr("country.code")),
        "email",
        "phone",
        "updated_at",
    )


class PolicyOpeningSerializer(ModelSerializer):
    country = country_field()
    country_name = serializers.CharField(source="country.name", read_only=True)
    areas = ManyKeysField(
        queryset=InvestmentArea.objects.all(), pairs_attr="area_pairs", natural=area_key
    )
    area_names = PairLabelsField(pairs_attr="area_names")

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
            "cap",
            "status",
            "areas",
            "area_names",
            "summary",
            "updated_at",
        ]


class PolicyOpeningFilter(django_filters.FilterSet):
    q = search_filter("title", "instrument", "cap", "summary")
    country = django_filters.CharFilter(
        method="by_country", max_length=100, label="Country id or ISO code"
    )
    updated_since = since_filter()

    class Meta:
        model = PolicyOpening
        fields = ["kind", "status"]

    def by_country(self, queryset, name, value):
        return queryset.filter(country__in=key_rows(Country.objects.all(), value, country_key))


class PolicyOpeningViewSet(ModelViewSet):
    queryset = PolicyOpening.objects.select_related("country").annotate(
        area_pairs=pairs(PolicyOpening, "areas", "slug"),
        area_names=pairs(PolicyOpening, "areas", "name"),
    )
    serializer_class = PolicyOpeningSerializer
    filterset_class = PolicyOpeningFilter
    ordering_fields = ["title", "effective_date", "updated_at"]
    sheet_name = "policy-openings"
    sheet_columns = columns(
        "id",
        ("country", attr("country.code")),
        "kind",
        "title",
        "instrument",
        "effective_date",
        "cap",
        "status",
        ("areas", labels("area_pairs")),
        "updated_at",
    )
