"""The filters every dashboard page reads from its URL (team, owner, date range)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Model, QuerySet
from django.utils import timezone

from lib.select import QuickModelChoiceField
from opportunities.assignment import assignable_owners
from opportunities.models import CURRENCY_CODES, FollowUp, Opportunity, Team
from opportunities.visibility import sees_every_team, visible_teams
from statements.sensitivity import Sensitivity, sees_restricted

User = get_user_model()


def day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class DashboardFilterForm(forms.Form):
    """Team, owner and date range; the choices offered are only what the user may see."""

    team = QuickModelChoiceField(queryset=Team.objects.none(), required=False, empty_label="All")
    owner = QuickModelChoiceField(queryset=User.objects.none(), required=False, empty_label="All")
    since = forms.DateField(required=False, label="From", widget=forms.DateInput({"type": "date"}))
    until = forms.DateField(required=False, label="To", widget=forms.DateInput({"type": "date"}))

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = visible_teams(user)
        self.fields["owner"].queryset = assignable_owners(user)
        self.fields["owner"].label_from_instance = lambda u: u.get_full_name() or u.username

    def clean(self) -> dict:
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            raise forms.ValidationError("The start of the date range is after its end.")
        return cleaned


@dataclass(frozen=True)
class Scope:
    """What a page shows: the user's visible work narrowed by the URL's filters."""

    user: object
    team: Team | None = None
    owner: object | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    params: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_form(cls, form: DashboardFilterForm, user) -> Scope:
        data = form.cleaned_data
        params = {}
        for name in ("team", "owner"):
            if data.get(name) is not None:
                params[name] = str(data[name].pk)
        for name in ("since", "until"):
            if data.get(name):
                params[name] = data[name].isoformat()
        return cls(
            user=user,
            team=data.get("team"),
            owner=data.get("owner"),
            since=data.get("since"),
            until=data.get("until"),
            params=params,
        )

    def opportunities(self, *, dated: bool = True) -> QuerySet[Opportunity]:
        """Visible opportunities of the team and owner; `dated` limits them to those created
        in the date range."""
        qs = Opportunity.objects.visible_to(self.user)
        if self.team is not None:
            qs = qs.filter(team=self.team)
        if self.owner is not None:
            qs = qs.filter(owner=self.owner)
        return qs.filter(**self.date_lookups("created_at")) if dated else qs

    @property
    def tallied(self) -> bool:
        """True when the tallies cover this scope's filters: they count per team (and stage,
        country, area), never per owner or creation date."""
        return self.owner is None and self.since is None and self.until is None

    def tallies(self, model: type[Model]) -> QuerySet:
        """The rows of a tally table (`opportunities.tallies`) this scope counts, when it is
        `tallied` (else the caller counts live). The same two rules as `visible_to`: the
        user's teams, and restricted work only for those cleared for it."""
        rows = model._default_manager.all()
        if not self.user.is_active:
            return rows.none()
        if self.team is not None:
            rows = rows.filter(team=self.team)
        if not sees_every_team(self.user):
            rows = rows.filter(team__in=visible_teams(self.user))
        if not sees_restricted(self.user):
            rows = rows.exclude(sensitivity=Sensitivity.RESTRICTED)
        return rows.order_by()

    def date_lookups(self, field_name: str) -> dict[str, datetime.datetime]:
        """Bounds on a datetime field for the date range, as plain comparisons that can use an
        index (a `__date` lookup would cast every row)."""
        lookups = {}
        if self.since:
            lookups[f"{field_name}__gte"] = day_start(self.since)
        if self.until:
            lookups[f"{field_name}__lt"] = day_start(self.until + datetime.timedelta(days=1))
        return lookups

    def follow_ups(self) -> QuerySet[FollowUp]:
        """Visible follow-ups of the team, owned by the owner (due dates ignore the range)."""
        qs = FollowUp.objects.visible_to(self.user)
        if self.team is not None:
            qs = qs.filter(opportunity__team=self.team)
        if self.owner is not None:
            qs = qs.filter(owner=self.owner)
        return qs

    def query(self, **extra: object) -> str:
        """This scope's filters with `extra` on top as a query string; None drops a filter."""
        params = dict(self.params)
        for name, value in extra.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = str(value)
        return "?" + urlencode(params) if params else ""


class BoardFilterForm(DashboardFilterForm):
    """The board's filters: the dashboard's plus a partner country and an investment area."""

    country = forms.RegexField(
        regex=r"^[A-Z]{2}$",
        required=False,
        max_length=2,
        widget=forms.TextInput({"placeholder": "e.g. JP", "size": 6}),
        error_messages={"invalid": "A country's ISO code in capitals, such as JP."},
    )
    area = forms.SlugField(
        required=False,
        max_length=120,
        widget=forms.TextInput({"placeholder": "e.g. co-development", "size": 18}),
    )

    def filter(self, qs: QuerySet[Opportunity], today: datetime.date) -> QuerySet[Opportunity]:
        data = self.cleaned_data
        if data["country"]:
            qs = qs.filter(countries__code=data["country"])
        if data["area"]:
            qs = qs.filter(areas__slug=data["area"])
        return qs


class OpportunityListForm(BoardFilterForm):
    """The list behind every opportunity figure: the dashboard filters plus what was clicked."""

    stage = forms.ChoiceField(choices=[("", "Any"), *Opportunity.Stage.choices], required=False)
    currency = forms.ChoiceField(
        choices=[("", "Any"), *((code, code) for code in CURRENCY_CODES)], required=False
    )
    firm = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    closed_since = forms.DateField(required=False, widget=forms.DateInput({"type": "date"}))
    closed_until = forms.DateField(required=False, widget=forms.DateInput({"type": "date"}))
    follow_up = forms.ChoiceField(
        choices=[("", "Any"), ("overdue", "Overdue"), ("week", "Due in the next 7 days")],
        required=False,
    )

    def filter(self, qs: QuerySet[Opportunity], today: datetime.date) -> QuerySet[Opportunity]:
        qs = super().filter(qs, today)
        data = self.cleaned_data
        if data["stage"]:
            qs = qs.filter(stage=data["stage"])
        if data["currency"]:
            qs = qs.filter(currency=data["currency"])
        if data["firm"]:
            qs = qs.filter(firms=data["firm"])
        if data["closed_since"]:
            qs = qs.filter(closed_at__gte=day_start(data["closed_since"]))
        if data["closed_until"]:
            next_day = data["closed_until"] + datetime.timedelta(days=1)
            qs = qs.filter(closed_at__lt=day_start(next_day))
        if data["follow_up"] == "overdue":
            qs = qs.filter(next_follow_up__lt=today)
        elif data["follow_up"] == "week":
            qs = qs.filter(next_follow_up__range=(today, today + datetime.timedelta(days=7)))
        return qs


class FollowUpListForm(DashboardFilterForm):
    due = forms.ChoiceField(
        choices=[("", "Any open"), ("overdue", "Overdue"), ("week", "Due in the next 7 days")],
        required=False,
    )
    unassigned = forms.BooleanField(required=False, label="Unassigned only")

    def filter(self, qs: QuerySet[FollowUp], today: datetime.date) -> QuerySet[FollowUp]:
        qs = qs.open()
        if self.cleaned_data["unassigned"]:
            qs = qs.filter(owner__isnull=True)
        if self.cleaned_data["due"] == "overdue":
            qs = qs.filter(due_date__lt=today)
        elif self.cleaned_data["due"] == "week":
            qs = qs.filter(due_date__range=(today, today + datetime.timedelta(days=7)))
        return qs
