"""The sensitivity label as the API writes it: checked by `statements.sensitivity`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from statements.sensitivity import sensitivity_check


class SensitivityLabelMixin:
    """Refuse a `restricted` label from someone not cleared for it (a 400, not a record that
    vanishes from its author's sight)."""

    def validate_sensitivity(self, value: str) -> str:
        request = self.context.get("request")
        if request is not None:
            try:
                sensitivity_check(user=request.user, label=value)
            except DjangoValidationError as error:
                raise serializers.ValidationError(error.messages) from error
        return value
