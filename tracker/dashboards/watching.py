"""The "watching" page: a person's watches (terms, countries, pairs, firms, areas they follow
in new statements), the statements that matched them, and forms to add and remove one.
Plain POST forms, answered by a redirect, so it works without JavaScript."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from opportunities.models import Watch, WatchMatch

MATCHES_SHOWN = 50


class WatchForm(forms.ModelForm):
    class Meta:
        model = Watch
        fields = ["kind", "term", "country", "partner", "firm", "area", "notify_webhook"]


@login_required
def watching(request: HttpRequest) -> HttpResponse:
    form = WatchForm(request.POST or None, instance=Watch(user=request.user))
    if request.method == "POST":
        if form.is_valid():
            watch = form.save()
            messages.success(request, f"Now watching {watch.target}.")
            return redirect("dashboards:watching")
        status = 400
    else:
        status = 200
    watches = Watch.objects.filter(user=request.user).select_related(
        "country", "partner", "firm__country", "area"
    )
    matches = (
        WatchMatch.objects.filter(watch__user=request.user)
        .select_related(
            "statement__source",
            "watch__country",
            "watch__partner",
            "watch__firm__country",
            "watch__area",
        )
        .order_by("-matched_at", "-pk")[:MATCHES_SHOWN]
    )
    context = {"form": form, "watches": watches, "matches": matches, "limit": MATCHES_SHOWN}
    return render(request, "dashboards/watching.html", context, status=status)


@login_required
@require_POST
def watch_delete(request: HttpRequest, pk: int) -> HttpResponse:
    # Someone else's watch is a 404: it is not theirs to know of.
    watch = get_object_or_404(Watch, pk=pk, user=request.user)
    target = watch.target
    watch.delete()
    messages.success(request, f"No longer watching {target}.")
    return redirect("dashboards:watching")
