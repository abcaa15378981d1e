"""The admin's side of team visibility: a user's admin lists and pages show their teams' work
only (`opportunities.visibility`), and another team's record is a 404."""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404

from statements.admin_sensitivity import SensitivityChoicesMixin, SensitivityColumnMixin

from .models import Opportunity, Team
from .visibility import visible_team_ids


class TeamScopedAdminMixin(SensitivityColumnMixin, SensitivityChoicesMixin):
    """Limit an admin to the requesting user's teams (and, by `visible_to`, to the restricted
    records the user is cleared for); a foreign object is a 404 or a 403."""

    def team_id_of(self, obj) -> int:
        return obj.team_id

    def get_queryset(self, request):
        return super().get_queryset(request).visible_to(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record among your teams' work.")
        return obj

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history would find a foreign record through its history and answer 403,
        # telling the outsider it exists; look it up among the user's teams' work first.
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self.get_object(request, unquote(object_id))
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _team_ids(self, request) -> set[int] | None:
        if not hasattr(request, "_visible_team_ids"):
            request._visible_team_ids = visible_team_ids(request.user)
        return request._visible_team_ids

    def _may_touch(self, request, obj) -> bool:
        team_ids = self._team_ids(request)
        return obj is None or team_ids is None or self.team_id_of(obj) in team_ids

    def has_view_permission(self, request, obj=None) -> bool:
        return super().has_view_permission(request, obj) and self._may_touch(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and self._may_touch(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_touch(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "team":
            team_ids = self._team_ids(request)
            if team_ids is not None:
                kwargs["queryset"] = Team.objects.filter(pk__in=team_ids)
        elif db_field.name == "opportunity":
            kwargs["queryset"] = Opportunity.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def admin_message(error: Exception) -> str:
    """The words of a refused change, for the admin's message bar."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)
