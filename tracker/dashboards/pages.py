"""The statement view and the country, firm and area pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from opportunities.models import Opportunity
from partners.models import Country, Firm, InvestmentArea, PolicyOpening
from statements.models import Mention, NameCandidate, Statement

from .filters import DashboardFilterForm, Scope
from .highlight import statement_highlight
from .links import opportunity_link
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
    # Parties act in the statement; the other countries it names are places and topics.
    party_ids = {m.country_id for m in mentions if m.role == Mention.Role.PARTY}
    countries = list(statement.countries.all())
    policy_openings = list(statement.policy_openings.all())
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

    kinds = dict(Mention.Kind.choices)
    suggestions = list(statement.suggestions.select_related("opportunity"))
    # A suggestion may point at another team's opportunity: name it only to those who may see it.
    visible = set(
        Opportunity.objects.visible_to(request.user)
        .filter(pk__in=[s.opportunity_id for s in suggestions if s.opportunity_id])
        .values_list("pk", flat=True)
    )
    opportunities = (
        scope.opportunities(dated=False)
        .filter(statements=statement)
        .select_related("team", "owner")
        .order_by("-updated_at")
    )
    context = {
        "form": form,
        "scope": scope,
        "statement": statement,
        "highlighted": statement_highlight(
            text=statement.text,
            mentions=[m for m in mentions if not m.in_title],
            link_for=link_for,
        ),
        "mention_kinds": [
            (kinds[row["kind"]].lower(), row["n"])
            for row in statement.mentions.order_by()
            .values("kind")
            .annotate(n=Count("pk"))
            .order_by("kind")
        ],
        "suggestions": [(s, s.opportunity_id in visible) for s in suggestions],
        "opportunities": opportunities,
        "policy_openings": policy_openings,
        "parties": [c for c in countries if c.pk in party_ids],
        "other_countries": [c for c in countries if c.pk not in party_ids],
        "commitments": statement.commitments.all(),
        "name_candidates": statement.name_candidates.filter(
            status=NameCandidate.Status.OPEN
        ).select_related("country", "similar_firm__country", "similar_contact"),
        "may_decide_names": request.user.has_perm("statements.change_namecandidate"),
        "firms": statement.firms.all(),
        "areas": statement.areas.all(),
    }
    return render(request, "dashboards/statement.html", context)


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
    )


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
