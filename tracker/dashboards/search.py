"""The dashboards' statement search: the box in the top bar, and its results with snippets.
Searching is Statement.objects.search (statements/search.py), as in the admin and the API."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from lib.capped import CappedPaginator
from statements.models import Statement
from statements.search import snippet_html

from .views import PAGE_SIZE, invalid, paging


class StatementSearchForm(forms.Form):
    q = forms.CharField(max_length=200, required=False, strip=True, label="Search statements")


@login_required
def statement_search(request: HttpRequest) -> HttpResponse:
    form = StatementSearchForm(request.GET)
    if not form.is_valid():
        return invalid(request, form)
    query = form.cleaned_data["q"]
    page = None
    if query:
        matches = (
            # Restricted statements only for those cleared, as on every other path; the search
            # last, as it takes the newest matches of the rows it is given.
            Statement.objects.visible_to(request.user)
            .search(query)
            .select_related("source", "story")
            .defer("text", "minhash")
        )
        page = CappedPaginator(matches, PAGE_SIZE).get_page(request.GET.get("page"))
        for statement in page:
            statement.snippet = snippet_html(statement.search_snippet, query)
    return render(
        request,
        "dashboards/statement_search.html",
        {"form": form, "query": query, "page": page, **paging(request)},
    )
