"""The statement view and the country, firm and area pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from opportunities.models import Opportunity, Suggestion
from partners.models import Country, Firm, InvestmentArea, PolicyOpening
from partners.policy_steps import policy_states
from statements.models import Mention, NameCandidate, Statement
from statements.parties import parties_among

from .filters import DashboardFilterForm, Scope
from .highlight import statement_highlight
from .links import opportunity_link
from .partnerships import pair_codes, pair_countries, partners_of, partnership_context
from .views import invalid

LIMIT = 25


def scope_of(request: HttpRequest) -> tuple[DashboardFilterForm, Scope | None]:
    form = DashboardFilterForm(request.GET, user=request.user)
    return form, Scope.from_form(form, request.user) if form.is_valid() else None


@login_required
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form, scope = scope_of(request)
    if scope is None:
        return invalid(request, form)
    statement = get_object_or_404(
        Statement.objects.visible_to(request.user).select_related("source"), pk=pk
    )
    mentions = list(
        statement.mentions.select_related("country", "firm__country", "area", "contact")
    )
    # Parties act in the statement (its publisher among them); the other countries it names are
    # places and topics.
    party_ids = parties_among(mentions, statement.source.country_id)
    named_or_party = Q(statements=statement) | Q(pk__in=party_ids)
    countries = list(Country.objects.filter(named_or_party).distinct())
    policy_openings = list(statement.policy_openings.all())
    context = {
        "form": form,
        "scope": scope,
        "statement": statement,
        "highlighted": statement_highlight(
            text=statement.text,
            mentions=[m for m in mentions if not m.in_title],
            link_for=_mention_linker(scope, policy_openings),
        ),
        "suggestions": _suggestions(statement, request.user),
        "policy_openings": policy_openings,
        "parties": [c for c in countries if c.pk in party_ids],
        "other_countries": [c for c in countries if c.pk not in party_ids],
        "may_decide_names": request.user.has_perm("statements.change_namecandidate"),
        **_statement_lists(scope, statement),
    }
    return render(request, "dashboards/statement.html", context)


def _mention_linker(scope: Scope, policy_openings: list) -> Callable[[Mention], str | None]:
    """Where each highlighted mention links: its country's, firm's or area's page."""
    query = scope.query()

    def link_for(mention: Mention) -> str | None:
        if mention.country_id:
            return reverse("dashboards:country", args=[mention.country.code]) + query
        if mention.firm_id:
            return reverse("dashboards:firm", args=[mention.firm_id]) + query
        if mention.area_id:
            return reverse("dashboards:area", args=[mention.area.slug]) + query
        if mention.contact_id:
            return reverse("admin:partners_contact_change", args=[mention.contact_id])
        if mention.kind == Mention.Kind.POLICY and policy_openings:
            return "#policy-openings"
        return None

    return link_for


def _suggestions(statement: Statement, user) -> list[tuple[Suggestion, bool]]:
    """The statement's suggestions, each with whether its opportunity may be named: it may be
    another team's, named only to those who may see it."""
    suggestions = list(statement.suggestions.select_related("opportunity"))
    visible = set(
        Opportunity.objects.visible_to(user)
        .filter(pk__in=[s.opportunity_id for s in suggestions if s.opportunity_id])
        .values_list("pk", flat=True)
    )
    return [(s, s.opportunity_id in visible) for s in suggestions]


def _statement_lists(scope: Scope, statement: Statement) -> dict[str, object]:
    """The lazy lists of the statement's page, each read when the template reaches it."""
    kinds = dict(Mention.Kind.choices)
    return {
        "mention_kinds": [
            (kinds[row["kind"]].lower(), row["n"])
            for row in statement.mentions.order_by()
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by("kind")
        ],
        "opportunities": (
            scope.opportunities(dated=False)
            .filter(statements=statement)
            .select_related("team", "owner")
            .order_by("-updated_at")
        ),
        "commitments": statement.commitments.all(),
        "name_candidates": statement.name_candidates.filter(
            status=NameCandidate.Status.OPEN
        ).select_related("country", "similar_firm__country", "similar_contact"),
        "firms": statement.firms.all(),
        "areas": statement.areas.all(),
        # The same announcement from other sources, lead first (it is the one extracted).
        "copies": (
            Statement.objects.filter(story_id=statement.story_id)
            .exclude(pk=statement.pk)
            .select_related("source")
            .defer("text", "minhash", "search_vector")
            .order_by("is_copy", "published_on", "pk")
            if statement.story_id
            else []
        ),
    }


def entity_page(
    request: HttpRequest,
    *,
    scope: Scope,
    form: DashboardFilterForm,
    kind: str,
    entity: object,
    opportunities: QuerySet[Opportunity],
    policy_openings: QuerySet[PolicyOpening],
    statements: QuerySet[Statement],
    list_params: dict[str, object],
    statement_filter: str,
    extra: dict[str, object] | None = None,
) -> HttpResponse:
    stage_labels = dict(Opportunity.Stage.choices)
    by_stage = [
        {
            "label": stage_labels[row["stage"]],
            "n": row["n"],
            "href": opportunity_link(scope, stage=row["stage"], **list_params),
        }
        for row in opportunities.order_by().values("stage").annotate(n=Count("pk"))
    ]
    statements = (
        statements.visible_to(scope.user)
        .select_related("source")
        .order_by(F("published_on").desc(nulls_last=True), "-created_at")
    )
    context = {
        "form": form,
        "scope": scope,
        "kind": kind,
        "entity": entity,
        "by_stage": sorted(
            by_stage, key=lambda row: list(stage_labels.values()).index(row["label"])
        ),
        "opportunity_total": sum(row["n"] for row in by_stage),
        "opportunities_href": opportunity_link(scope, **list_params),
        "opportunities": (
            opportunities.with_next_follow_up()
            .select_related("team", "owner")
            .order_by("-updated_at", "-pk")[:LIMIT]
        ),
        "policy_openings": policy_openings.prefetch_related("areas")[:LIMIT],
        "statement_total": statements.count(),
        "statements_href": reverse("admin:statements_statement_changelist") + statement_filter,
        "statements": statements[:LIMIT],
        "limit": LIMIT,
        **(extra or {}),
    }
    return render(request, "dashboards/entity.html", context)


@login_required
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    form, scope = scope_of(request)
    if scope is None:
        return invalid(request, form)
    country = get_object_or_404(Country, code=code.upper())
    return entity_page(
        request,
        scope=scope,
        form=form,
        kind="Partner country",
        entity=country,
        opportunities=scope.opportunities().filter(countries=country),
        policy_openings=PolicyOpening.objects.filter(country=country),
        statements=country.statements.all(),
        list_params={"country": country.code},
        statement_filter=f"?countries__id__exact={country.pk}",
        extra={
            "policy_states": policy_states(country_ids=[country.pk]),
            "partnerships": _partnership_links(scope, country),
        },
    )


def _partnership_links(scope: Scope, country: Country) -> list[dict]:
    """Links to the country's partnership pages: with the home country always, then with the
    countries it acts beside most often in statements."""
    rows = partners_of(country)
    home = settings.TRACKER_HOME_COUNTRY
    if country.code != home and all(row["code"] != home for row in rows):
        names = dict(Country.objects.filter(code=home).values_list("code", "name"))
        rows = [{"code": home, "name": names[home], "n": 0}, *rows] if names else rows
    for row in rows:
        first, second = pair_codes(country.code, row["code"])
        row["href"] = reverse("dashboards:partnership", args=[first, second]) + scope.query()
    return rows


@login_required
def partnership_detail(request: HttpRequest, first: str, second: str) -> HttpResponse:
    form, scope = scope_of(request)
    if scope is None:
        return invalid(request, form)
    if (first, second) != pair_codes(first, second):
        # One address per pair: the home country first, codes in capitals; filters kept.
        canonical = reverse("dashboards:partnership", args=pair_codes(first, second))
        return redirect(canonical + scope.query(), permanent=True)
    one, other = pair_countries(first, second)
    context = partnership_context(scope=scope, first=one, second=other)
    context["form"] = form
    return render(request, "dashboards/partnership.html", context)


@login_required
def firm_detail(request: HttpRequest, pk: int) -> HttpResponse:
    form, scope = scope_of(request)
    if scope is None:
        return invalid(request, form)
    firm = get_object_or_404(Firm.objects.select_related("country"), pk=pk)
    return entity_page(
        request,
        scope=scope,
        form=form,
        kind=f"Firm ({firm.get_kind_display()}, {firm.country.name})",
        entity=firm,
        opportunities=scope.opportunities().filter(firms=firm),
        # A firm has no openings of its own: those of its country are the doors open to it.
        policy_openings=PolicyOpening.objects.filter(country=firm.country_id),
        statements=firm.statements.all(),
        list_params={"firm": firm.pk},
        statement_filter=f"?firms__id__exact={firm.pk}",
    )


@login_required
def area_detail(request: HttpRequest, slug: str) -> HttpResponse:
    form, scope = scope_of(request)
    if scope is None:
        return invalid(request, form)
    area = get_object_or_404(InvestmentArea, slug=slug)
    return entity_page(
        request,
        scope=scope,
        form=form,
        kind="Investment area",
        entity=area,
        opportunities=scope.opportunities().filter(areas=area),
        policy_openings=PolicyOpening.objects.filter(areas=area),
        statements=area.statements.all(),
        list_params={"area": area.slug},
        statement_filter=f"?areas__id__exact={area.pk}",
    )
