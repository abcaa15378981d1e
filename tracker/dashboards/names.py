"""Accepting or dismissing a name candidate from the statement page. Thin: check the request,
call the service, say what happened and go back to the statement."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from statements.models import NameCandidate
from statements.names import name_candidate_accept, name_candidate_dismiss
from statements.tasks import queue_extraction


@require_POST
@login_required
@permission_required("statements.change_namecandidate", raise_exception=True)
def name_candidate_decide(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = get_object_or_404(NameCandidate, pk=pk)
    action = request.POST.get("action")
    try:
        if action in ("accept", "same"):
            statement_ids = name_candidate_accept(
                candidate_id=pk, by=request.user, same=action == "same"
            )
            queue_extraction(statement_ids)  # the statements that named it now link it
            messages.success(request, f"“{candidate}” recorded.")
        elif action == "dismiss":
            name_candidate_dismiss(candidate_id=pk, by=request.user)
            messages.info(request, f"“{candidate}” dismissed.")
        else:
            return HttpResponseBadRequest("Unknown action.")
    except ValidationError as error:
        messages.warning(request, "; ".join(error.messages))
    return redirect("dashboards:statement", pk=candidate.statement_id)
