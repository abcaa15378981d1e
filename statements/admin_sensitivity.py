"""The admin's side of the sensitivity rule (`statements.sensitivity`): lists, pages, inlines
and autocompletes show a restricted record only to those cleared for it (another's is a 404,
as a foreign team's is), and only they are offered the `restricted` label."""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404

from .sensitivity import Sensitivity, sees_restricted


def label_choices(user) -> list[tuple[str, str]]:
    if sees_restricted(user):
        return list(Sensitivity.choices)
    return [(value, label) for value, label in Sensitivity.choices if value != "restricted"]


class SensitivityChoicesMixin:
    """Offer the `restricted` label only to the cleared: anyone else would lose sight of the
    record on saving it (the API refuses it the same way)."""

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "sensitivity":
            kwargs["choices"] = label_choices(request.user)
        return super().formfield_for_choice_field(db_field, request, **kwargs)


class SensitivityColumnMixin:
    """`label_display`: the sensitivity label as a short-headed list column."""

    @admin.display(description="label", ordering="sensitivity")
    def label_display(self, obj) -> str:
        return obj.get_sensitivity_display()


class SensitivityAdminMixin(SensitivityColumnMixin, SensitivityChoicesMixin):
    """For a model admin or inline whose QuerySet has `readable_by` (a SensitivityQuerySet)."""

    def get_queryset(self, request):
        return super().get_queryset(request).readable_by(request.user)

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("No such record.")
        return obj
