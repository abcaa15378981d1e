from __future__ import annotations

import django_filters

from lib.api.filters import filter_by_key, search_filter, since_filter

from .keys import area_key, country_key
from .models import Contact, Country, Firm, InvestmentArea, PolicyOpening


class CountryFilter(django_filters.FilterSet):
    q = search_filter("name", "code", "official_name")
    updated_since = since_filter()

    class Meta:
        model = Country
        fields = ["code"]


class InvestmentAreaFilter(django_filters.FilterSet):
    q = search_filter("name", "slug", "description")
    updated_since = since_filter()

    class Meta:
        model = InvestmentArea
        fields = ["slug", "parent"]


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
        return filter_by_key(queryset, "country", Country.objects.all(), value, country_key)

    def by_area(self, queryset, name, value):
        return filter_by_key(queryset, "areas", InvestmentArea.objects.all(), value, area_key)


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
        return filter_by_key(queryset, "country", Country.objects.all(), value, country_key)


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
        return filter_by_key(queryset, "country", Country.objects.all(), value, country_key)
