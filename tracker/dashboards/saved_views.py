"""Saved views: a named set of a page's filters, private or shared with a team, listed in the
navigation. Created from the filters a page shows; deleted only by their owner."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from opportunities.models import Team
from opportunities.visibility import visible_teams
from tracker.models import SavedView

from .board_views import back_to
from .filters import BoardFilterForm, FollowUpListForm, OpportunityListForm

FILTER_FORMS = {
    SavedView.Page.OPPORTUNITIES: OpportunityListForm,
    SavedView.Page.FOLLOW_UPS: FollowUpListForm,
    SavedView.Page.BOARD: BoardFilterForm,
}


class SavedViewForm(forms.Form):
    name = forms.CharField(max_length=80, label="Save these filters as")
    page = forms.ChoiceField(choices=SavedView.Page.choices, widget=forms.HiddenInput)
    query = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(), required=False, empty_label="Only me", label="Shared with"
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["team"].queryset = visible_teams(user)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the view a name.")
        if SavedView.objects.filter(owner=self.user, name=name).exists():
            raise forms.ValidationError(f"You already have a view called “{name}”.")
        return name

    def clean(self) -> dict:
        """The filters are read by the page's own filter form: a view saves only what the page
        would accept, without its page number and empty fields."""
        cleaned = super().clean()
        page = cleaned.get("page")
        if page is None:
            return cleaned
        params = QueryDict(cleaned.get("query", ""), mutable=True)
        params.pop("page", None)
        filters = FILTER_FORMS[page](params, user=self.user)
        if not filters.is_valid():
            raise forms.ValidationError("These filters are not valid for that page.")
        kept = QueryDict(mutable=True)
        for name in filters.fields:
            if params.get(name):
                kept[name] = params[name]
        cleaned["query"] = kept.urlencode()
        return cleaned


def view_form(*, user, page: str, query: str) -> SavedViewForm:
    # Its own ids: the filter form beside it has a `team` field too.
    return SavedViewForm(initial={"page": page, "query": query}, user=user, auto_id="save-view-%s")


@require_POST
@login_required
def saved_view_create(request: HttpRequest) -> HttpResponse:
    form = SavedViewForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect(back_to(request, request.POST.get("next", "")))
    data = form.cleaned_data
    view = SavedView.objects.create(
        name=data["name"],
        owner=request.user,
        team=data["team"],
        page=data["page"],
        query=data["query"],
    )
    shared = f", shared with {view.team}" if view.team else ""
    messages.success(request, f"View “{view.name}” saved{shared}.")
    return redirect(view.get_absolute_url())


@require_POST
@login_required
def saved_view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Only its owner deletes a view; a teammate's shared view is not theirs to remove.
    view = get_object_or_404(SavedView, pk=pk, owner=request.user)
    view.delete()
    messages.success(request, f"View “{view.name}” deleted.")
    return redirect(back_to(request, request.POST.get("next", "")))
