"""The overview and the filtered lists behind its figures. Thin: check the filters, then call
the selectors (through `overview_context` for the overview) and render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from opportunities.money.rates import rates_on

from .filters import DashboardFilterForm, FollowUpListForm, OpportunityListForm, Scope
from .overview import overview_context

PAGE_SIZE = 50


def invalid(request: HttpRequest, form) -> HttpResponse:
    """A filter that does not parse is the client's mistake: say which, with a 400."""
    return render(request, "dashboards/bad_filter.html", {"form": form}, status=400)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return invalid(request, form)
    scope = Scope.from_form(form, request.user)
    context = overview_context(scope=scope, today=timezone.localdate(), now=timezone.now())
    context["form"] = form
    return render(request, "dashboards/overview.html", context)


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = OpportunityListForm(request.GET, user=request.user)
    if not form.is_valid():
        return invalid(request, form)
    scope = Scope.from_form(form, request.user)
    today = timezone.localdate()
    qs = form.filter(scope.opportunities().with_next_follow_up(), today)
    qs = qs.select_related("team", "owner").prefetch_related("countries")
    page = Paginator(qs.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    rates = rates_on(today)
    context = {
        "form": form,
        "scope": scope,
        "page": page,
        "rows": [(o, rates.convert(o.value, o.currency)) for o in page],
        "rates": rates,
        "today": today,
        **paging(request),
    }
    return render(request, "dashboards/opportunity_list.html", context)


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    form = FollowUpListForm(request.GET, user=request.user)
    if not form.is_valid():
        return invalid(request, form)
    scope = Scope.from_form(form, request.user)
    today = timezone.localdate()
    qs = form.filter(scope.follow_ups(), today).select_related("opportunity", "owner")
    page = Paginator(qs.order_by("due_date", "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "dashboards/follow_up_list.html",
        {"form": form, "scope": scope, "page": page, "today": today, **paging(request)},
    )


def paging(request: HttpRequest) -> dict[str, str]:
    """The current query string without its page number, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return {"page_query": params.urlencode()}
