"""Lost updates refused over the API: a record with a `version` carries it as its ETag, and a
write naming another version (If-Match, or a delete's body) is a 412 that changes nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request

from .errors import PreconditionFailed, stale_message

if TYPE_CHECKING:
    # The mixin extends DRF's generic viewset; the checker reads it as its subclass.
    _ViewSet = viewsets.ModelViewSet
else:
    _ViewSet = object


def etag_of(version: int) -> str:
    return f'"{version}"'


class VersionedViewSetMixin(_ViewSet):
    """For a model with a `version` bumped on every change: details carry it as the ETag, and
    a write or delete whose `If-Match` (or, for a delete, a `version` in the body) names
    another version gets 412 and changes nothing. The serializer checks a `version` sent with
    a PUT or PATCH, and its save checks again under a lock."""

    ETAG_ACTIONS = ("retrieve", "create", "update", "partial_update")

    def get_object(self) -> Any:
        obj = super().get_object()
        if self.request.method not in permissions.SAFE_METHODS:
            expected = self._expected_versions()
            if expected is not None and obj.version not in expected:
                raise PreconditionFailed(stale_message(obj.version))
        return obj

    def _expected_versions(self) -> list[int] | None:
        versions = if_match_versions(self.request)
        if self.request.method == "DELETE":
            body = _body_version(self.request)
            if body is not None:
                versions = [body] if versions is None else [v for v in versions if v == body]
        return versions

    def perform_destroy(self, instance: Any) -> None:
        if self._expected_versions() is not None:
            # get_object read the version without a lock; hold the row while deleting it.
            current = (
                type(instance)
                ._default_manager.select_for_update()
                .filter(pk=instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is None:
                raise exceptions.NotFound()
            if current != instance.version:
                raise PreconditionFailed(stale_message(current))
        super().perform_destroy(instance)

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)
        data = getattr(response, "data", None)
        if (
            getattr(self, "action", None) in self.ETAG_ACTIONS
            and response.status_code < 300
            and isinstance(data, dict)
            and "version" in data
        ):
            response["ETag"] = etag_of(data["version"])
        return response


def _body_version(request: Request) -> int | None:
    data = request.data
    version = data.get("version") if hasattr(data, "get") else None
    if version is None or version == "":
        return None
    if isinstance(version, str) and version.strip().isdigit() and len(version.strip()) <= 18:
        return int(version)
    if isinstance(version, int) and not isinstance(version, bool) and version >= 0:
        return version
    raise exceptions.ValidationError({"version": ["Expected the version you read, such as 3."]})


def if_match_versions(request: Request) -> list[int] | None:
    """The versions an `If-Match` header accepts; None when it is absent or `*`."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        return None
    versions = []
    for tag in header.split(","):
        tag = tag.strip().removeprefix("W/").strip('"')
        if not tag.isdigit() or len(tag) > 18:
            raise exceptions.ValidationError({"If-Match": 'Expected an ETag such as "3".'})
        versions.append(int(tag))
    return versions
