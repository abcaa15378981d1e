"""An opportunity's page outside the admin: its fields, its activity stream, its follow-ups
with a done button, a note box. Another team's opportunity is a 404 here as everywhere."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from opportunities.models import FollowUp, Opportunity
from opportunities.services import follow_ups_complete, note_add

from .activity import opportunity_activity
from .board_views import CHANGE_PERMISSION


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Add a note", max_length=20_000, widget=forms.Textarea({"rows": 3})
    )


def visible_opportunity(request: HttpRequest, pk: int) -> Opportunity:
    return get_object_or_404(Opportunity.objects.visible_to(request.user), pk=pk)


@login_required
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = get_object_or_404(
        Opportunity.objects.visible_to(request.user)
        .with_next_follow_up()
        .select_related("team", "owner")
        .prefetch_related("countries", "firms__country", "areas", "policy_openings", "statements"),
        pk=pk,
    )
    follow_ups = list(opportunity.follow_ups.select_related("owner").order_by("due_date", "pk"))
    context = {
        "opportunity": opportunity,
        "activity": opportunity_activity(opportunity, follow_ups),
        "open_follow_ups": [f for f in follow_ups if f.status == FollowUp.Status.OPEN],
        "today": timezone.localdate(),
        "note_form": NoteForm(),
        "may_note": request.user.has_perm("opportunities.add_note"),
        "may_complete": request.user.has_perm("opportunities.change_followup"),
        "may_move": request.user.has_perm(CHANGE_PERMISSION),
        "stages": Opportunity.Stage.choices,
        "here": request.get_full_path(),
    }
    return render(request, "dashboards/opportunity.html", context)


@require_POST
@login_required
@permission_required("opportunities.add_note", raise_exception=True)
def opportunity_note(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = visible_opportunity(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            note_add(opportunity=opportunity, author=request.user, body=form.cleaned_data["body"])
            messages.success(request, "Note added.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, "A note needs some text (at most 20,000 characters).")
    return redirect(reverse("dashboards:opportunity", args=[pk]) + "#activity")


@require_POST
@login_required
@permission_required("opportunities.change_followup", raise_exception=True)
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = get_object_or_404(FollowUp.objects.visible_to(request.user), pk=pk)
    if follow_ups_complete(follow_ups=FollowUp.objects.filter(pk=follow_up.pk)):
        messages.success(request, f"“{follow_up.title}” done.")
    else:
        messages.info(request, f"“{follow_up.title}” was already closed.")
    return redirect(reverse("dashboards:opportunity", args=[follow_up.opportunity_id]))
