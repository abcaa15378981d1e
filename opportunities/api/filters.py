from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field

from lib.api.filters import (
    filter_by_key,
    flag_filter,
    search_filter,
    since_filter,
)
from partners.keys import area_key, country_key, firm_key
from partners.models import Country, Firm, InvestmentArea, PolicyOpening

from ..models import CURRENCY_CODES, FollowUp, Note, Opportunity, Suggestion, Team
from .serializers.keys import external_id_key, team_key, username_key

User = get_user_model()


def currency_choices() -> list[tuple[str, str]]:
    return [(code, code) for code in CURRENCY_CODES]


@extend_schema_field({"type": "string", "enum": CURRENCY_CODES})
class CurrencyFilter(django_filters.ChoiceFilter):
    """Choices given as a callable: django-filter deep-copies each filter and its form field
    on every request, and copying the ~180 currency pairs twice cost more than the count."""


def key_filter(label: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(method="by_key", max_length=250, label=label)


class OpportunityFilter(django_filters.FilterSet):
    # distinct=False: no join, and DISTINCT would sort every matching row with its names.
    stage = django_filters.MultipleChoiceFilter(choices=Opportunity.Stage.choices, distinct=False)
    country = key_filter("Partner country: id or ISO code")
    firm = key_filter('Firm: id or "Name (JP)"')
    area = key_filter("Investment area: id or slug")
    policy_opening = key_filter("Policy opening id")
    owner = key_filter("Owner: user id or username")
    team = key_filter("Team: id or name")
    follow_up_due_before = django_filters.DateFilter(
        method="by_follow_up", label="Has an open follow-up due on or before this date"
    )
    follow_up_due_after = django_filters.DateFilter(
        method="by_follow_up", label="Has an open follow-up due on or after this date"
    )
    overdue = flag_filter("by_overdue", "Has (true) or has no (false) overdue open follow-up")
    next_follow_up_before = django_filters.DateFilter(
        method="by_next_follow_up", label="Next open follow-up due before this date"
    )
    next_follow_up_after = django_filters.DateFilter(
        method="by_next_follow_up", label="Next open follow-up due after this date"
    )
    no_follow_up = flag_filter("by_no_follow_up", "Has no (true) or has an (false) open follow-up")
    stale = flag_filter(
        "by_stale", "Open with no activity for longer than its stage allows (true), or not (false)"
    )
    updated_since = since_filter(label="Changed at or after (incremental sync)")
    q = search_filter("title", "description", "external_id")
    currency = CurrencyFilter(choices=currency_choices, label="Currency (ISO 4217)")

    class Meta:
        model = Opportunity
        fields = ["external_id"]

    KEYS = {
        "country": ("countries", Country.objects.all(), country_key),
        "firm": ("firms", Firm.objects.all(), firm_key),
        "area": ("areas", InvestmentArea.objects.all(), area_key),
        "policy_opening": ("policy_openings", PolicyOpening.objects.all(), None),
        "owner": ("owner", User.objects.all(), username_key),
        "team": ("team", Team.objects.all(), team_key),
    }

    def by_key(self, queryset, name, value):
        field, rows, natural = self.KEYS[name]
        return filter_by_key(queryset, field, rows, value, natural)

    def by_follow_up(self, queryset, name, value):
        lookup = "lte" if name.endswith("before") else "gte"
        due = FollowUp.objects.filter(
            opportunity=OuterRef("pk"),
            status=FollowUp.Status.OPEN,
            **{f"due_date__{lookup}": value},
        )
        return queryset.filter(Exists(due))

    def by_overdue(self, queryset, name, value):
        overdue = FollowUp.objects.overdue().filter(opportunity=OuterRef("pk"))
        return queryset.filter(Exists(overdue) if value == "true" else ~Exists(overdue))

    def by_next_follow_up(self, queryset, name, value):
        if name.endswith("before"):
            return queryset.next_follow_up_before(value)
        return queryset.next_follow_up_after(value)

    def by_no_follow_up(self, queryset, name, value):
        if value == "true":
            return queryset.without_follow_up()
        return queryset.exclude(pk__in=Opportunity.objects.without_follow_up().values("pk"))

    def by_stale(self, queryset, name, value):
        return queryset.stale() if value == "true" else queryset.fresh()


class FollowUpFilter(django_filters.FilterSet):
    opportunity = key_filter("Opportunity id or external id")
    owner = key_filter("Owner: user id or username")
    team = key_filter("Team: id or name")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte")
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    overdue = flag_filter("by_overdue", "Open and past due (true) or not (false)")
    updated_since = since_filter()
    q = search_filter("title", "notes")

    class Meta:
        model = FollowUp
        fields = ["status", "kind"]

    KEYS = {
        "opportunity": ("opportunity", Opportunity.objects.all(), external_id_key),
        "owner": ("owner", User.objects.all(), username_key),
        "team": ("opportunity__team", Team.objects.all(), team_key),
    }

    def by_key(self, queryset, name, value):
        field, rows, natural = self.KEYS[name]
        return filter_by_key(queryset, field, rows, value, natural)

    def by_overdue(self, queryset, name, value):
        today = timezone.localdate()
        if value == "true":
            return queryset.filter(status=FollowUp.Status.OPEN, due_date__lt=today)
        return queryset.exclude(status=FollowUp.Status.OPEN, due_date__lt=today)


class NoteFilter(django_filters.FilterSet):
    opportunity = key_filter("Opportunity id or external id")
    updated_since = since_filter()
    q = search_filter("body")

    class Meta:
        model = Note
        fields = ["author"]

    def by_key(self, queryset, name, value):
        return filter_by_key(
            queryset, "opportunity", Opportunity.objects.all(), value, external_id_key
        )


class SuggestionFilter(django_filters.FilterSet):
    country = key_filter("Country: id or ISO code")
    updated_since = since_filter()
    q = search_filter("title", "summary")

    class Meta:
        model = Suggestion
        fields = ["status", "statement", "opportunity"]

    def by_key(self, queryset, name, value):
        return filter_by_key(queryset, "countries", Country.objects.all(), value, country_key)
