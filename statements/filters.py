from __future__ import annotations

import django_filters

from lib.api.filters import (
    DateTimeFilter,
    IdFilter,
    filter_by_key,
    flag_filter,
    search_filter,
    since_filter,
)
from partners.keys import country_key
from partners.models import Country

from .models import ImportRun, Mention, Source, Statement


class SourceFilter(django_filters.FilterSet):
    q = search_filter("name", "url")
    country = django_filters.CharFilter(
        method="by_country", max_length=100, label="Country id or ISO code"
    )
    updated_since = since_filter()
    is_active = flag_filter(None, "Active (true) or paused (false)")

    class Meta:
        model = Source
        fields = ["kind"]

    def by_country(self, queryset, name, value):
        return filter_by_key(queryset, "country", Country.objects.all(), value, country_key)


class StatementFilter(django_filters.FilterSet):
    q = search_filter("title", "speaker", "url")
    search = django_filters.CharFilter(
        method="by_search",
        max_length=200,
        label="Words in the title, speaker or text: the newest 500 matches, best match first "
        "(full-text on PostgreSQL)",
    )
    story = IdFilter(field_name="story", label="The statements of a story (its id)")
    is_copy = flag_filter(None, "Copies in a story (true), or one statement per story (false)")
    country = django_filters.CharFilter(
        method="by_country", max_length=100, label="Country id or ISO code"
    )
    published_after = django_filters.DateFilter(field_name="published_on", lookup_expr="gte")
    published_before = django_filters.DateFilter(field_name="published_on", lookup_expr="lte")
    updated_since = since_filter()
    language = django_filters.CharFilter(
        method="by_language", max_length=100, label='Language code(s), e.g. "ja" or "ja,fr"'
    )

    class Meta:
        model = Statement
        fields = ["source"]

    def filter_queryset(self, queryset):
        # The search last, whatever the order of the parameters: it lists the newest matches
        # of the rows it is given (statements/search.py), so it must be given the filtered ones.
        found = self.form.cleaned_data
        for name, value in found.items():
            if name != "search":
                queryset = self.filters[name].filter(queryset, value)
        return self.filters["search"].filter(queryset, found.get("search"))

    def by_search(self, queryset, name, value):
        return queryset.search(value)

    def by_language(self, queryset, name, value):
        # "unknown" asks for the statements too short or mixed for a language to be told.
        codes = {code.strip().lower() for code in value.split(",") if code.strip()}
        return queryset.filter(language__in={"" if c == "unknown" else c for c in codes})

    def by_country(self, queryset, name, value):
        return filter_by_key(queryset, "countries", Country.objects.all(), value, country_key)


class MentionFilter(django_filters.FilterSet):
    class Meta:
        model = Mention
        fields = ["statement", "kind", "country", "firm", "contact", "area"]


class ImportRunFilter(django_filters.FilterSet):
    started_after = since_filter("started_at", "Started at or after")
    started_before = DateTimeFilter(field_name="started_at", lookup_expr="lt")

    class Meta:
        model = ImportRun
        fields = ["source", "status"]
