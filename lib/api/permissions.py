from __future__ import annotations

from typing import Any

from rest_framework import permissions
from rest_framework.request import Request


class StaffModelPermissions(permissions.DjangoModelPermissions):
    """Signed-in, active staff with the model permission the method needs (view for reads).

    A read-only token never writes. A viewset names the permission its extra actions need in
    `action_permissions` (e.g. {"accept": ["change"]}); by default an action takes its method's.
    """

    perms_map = {
        **permissions.DjangoModelPermissions.perms_map,
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": ["%(app_label)s.view_%(model_name)s"],
    }

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active and user.is_staff):
            return False
        if request.method not in permissions.SAFE_METHODS and getattr(
            request.auth, "read_only", False
        ):
            self.message = "This token is read-only."
            return False
        queryset = self._queryset(view)
        actions = getattr(view, "action_permissions", {}).get(getattr(view, "action", None))
        if actions is not None:
            meta = queryset.model._meta
            perms = [f"{meta.app_label}.{action}_{meta.model_name}" for action in actions]
        else:
            perms = self.get_required_permissions(request.method or "GET", queryset.model)
        return user.has_perms(perms)

    def _queryset(self, view):
        # Only the model is needed here: the class's queryset names it, without building the
        # view's annotated queryset a second time.
        if getattr(view, "queryset", None) is not None:
            return view.queryset
        return super()._queryset(view)


class IsActiveStaff(permissions.BasePermission):
    """Signed in (session or token) as active staff: for the schema and the docs page, which
    describe the API to those who may use it and to nobody else."""

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        return bool(user and user.is_authenticated and user.is_active and user.is_staff)
