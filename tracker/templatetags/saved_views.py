"""The saved views in the dashboards' navigation, and the form that saves a page's filters."""

from __future__ import annotations

from django import template

from tracker.dashboards.saved_views import view_form
from tracker.models import SavedView

register = template.Library()


@register.inclusion_tag("dashboards/_saved_views_nav.html", takes_context=True)
def saved_views_nav(context) -> dict:
    request = context["request"]
    views = SavedView.objects.visible_to(request.user).select_related("team")
    return {"views": list(views), "user": request.user, "here": request.get_full_path()}


@register.inclusion_tag("dashboards/_save_view.html", takes_context=True)
def save_view_form(context, page: str) -> dict:
    request = context["request"]
    query = request.GET.copy()
    query.pop("page", None)
    form = view_form(user=request.user, page=page, query=query.urlencode())
    return {"form": form, "here": request.get_full_path(), "csrf_token": context.get("csrf_token")}
