"""The pipeline board and a card's move. Thin: check the filters or the form, call the
selector or the service (`opportunity_stage_set`, the API's PATCH of stage), answer.

A move answers JSON to the board's script (Accept: application/json) and, for a plain form
without JavaScript, redirects back to the board it came from with a message."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from opportunities.models import Opportunity
from opportunities.services import StaleVersion, opportunity_stage_set

from .board import board_columns
from .filters import BoardFilterForm, Scope
from .views import invalid

CHANGE_PERMISSION = "opportunities.change_opportunity"


@login_required
def board(request: HttpRequest) -> HttpResponse:
    form = BoardFilterForm(request.GET, user=request.user)
    if not form.is_valid():
        return invalid(request, form)
    scope = Scope.from_form(form, request.user)
    context = {
        "form": form,
        "scope": scope,
        "columns": board_columns(scope=scope, form=form, today=timezone.localdate()),
        "today": timezone.localdate(),
        "stages": Opportunity.Stage.choices,
        "closed_stages": list(Opportunity.CLOSED_STAGES),
        "may_move": request.user.has_perm(CHANGE_PERMISSION),
        "here": request.get_full_path(),
        "saved_view_page": "board",
    }
    return render(request, "dashboards/board.html", context)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(choices=Opportunity.Stage.choices)
    version = forms.IntegerField(min_value=1, max_value=2**31 - 1)
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
    next = forms.CharField(required=False, max_length=2000, widget=forms.HiddenInput)


def wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def back_to(request: HttpRequest, target: str) -> str:
    """The page the move came from (the board with its filters), if it is one of ours."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("dashboards:board")


@require_POST
@login_required
def board_move(request: HttpRequest, pk: int) -> HttpResponse:
    # Another team's card is not there to move: a 404, as for its page.
    opportunity = get_object_or_404(Opportunity.objects.visible_to(request.user), pk=pk)
    if not request.user.has_perm(CHANGE_PERMISSION):
        raise PermissionDenied("You may not change opportunities.")
    form = MoveForm(request.POST)
    if not form.is_valid():
        message = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items())
        return answer(request, form, ok=False, status=400, error="invalid", message=message)
    data = form.cleaned_data
    closing = data["stage"] in Opportunity.CLOSED_STAGES
    if closing and not data["reason"].strip() and not wants_json(request):
        # Without JavaScript the board cannot ask in place: this page asks for the reason.
        return render(
            request,
            "dashboards/move_reason.html",
            {
                "form": form,
                "opportunity": opportunity,
                "stage": dict(Opportunity.Stage.choices)[data["stage"]],
                "back": back_to(request, data["next"]),
            },
        )
    try:
        opportunity_stage_set(
            opportunity=opportunity,
            stage=data["stage"],
            reason=data["reason"],
            expected_version=data["version"],
        )
    except StaleVersion as error:
        message = f"“{opportunity.title}” was not moved: {error} Nothing was changed."
        return answer(request, form, ok=False, status=409, error="stale", message=message)
    except ValidationError as error:
        message = f"“{opportunity.title}” was not moved: {' '.join(error.messages)}"
        code = "reason" if closing and not data["reason"].strip() else "invalid"
        return answer(request, form, ok=False, status=400, error=code, message=message)
    message = f"“{opportunity.title}” moved to {opportunity.get_stage_display()}."
    return answer(request, form, ok=True, opportunity=opportunity, message=message)


def answer(
    request: HttpRequest,
    form: MoveForm,
    *,
    ok: bool,
    message: str,
    status: int = 200,
    error: str = "",
    opportunity: Opportunity | None = None,
) -> HttpResponse:
    if wants_json(request):
        body = {"ok": ok, "message": message}
        if error:
            body["error"] = error
        if opportunity is not None:
            body |= {
                "id": opportunity.pk,
                "stage": opportunity.stage,
                "stage_label": opportunity.get_stage_display(),
                "version": opportunity.version,
            }
        return JsonResponse(body, status=status)
    (messages.success if ok else messages.error)(request, message)
    return redirect(back_to(request, form.data.get("next", "")))
