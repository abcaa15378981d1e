from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError, RestrictedError
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback


class ErrorSerializer(serializers.Serializer):
    """An error: `detail`, or field name -> messages (documented loosely on purpose)."""

    detail = serializers.CharField(required=False)


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = "The record changed since you read it."
    default_code = "stale_version"


def stale_message(version: int) -> str:
    return f"Changed by someone else since you read it (now version {version})."


def exception_handler(exc, context):
    """DRF's handler, plus the domain's own errors as 4xx (never a 500)."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(as_serializer_error(exc))
    elif isinstance(exc, ProtectedError | RestrictedError):
        set_rollback()
        names = (
            sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
            if (isinstance(exc, ProtectedError))
            else []
        )
        detail = "Still in use" + (f" by {', '.join(names)}" if names else "") + "; not deleted."
        return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
    return drf_exception_handler(exc, context)
