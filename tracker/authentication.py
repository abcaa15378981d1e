"""API authentication by token: in the Authorization header, or as `?key=` for read-only pulls
(Excel Power Query, Google Sheets IMPORTDATA) that cannot send headers or log in."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from lib.ratelimit import TOO_MANY, key_failed, key_retry_after
from statements.sensitivity import key_pull_limit

from .models import ApiToken, key_digest

# A token's last use is written at most this often, so reads do not each cost a write.
LAST_USED_RESOLUTION_SECONDS = 300


def _authenticate(request, key: str, *, read_only: bool) -> tuple:
    wait = key_retry_after(request)
    if wait is not None:
        raise exceptions.Throttled(wait=wait, detail=TOO_MANY.format(seconds=wait))
    if not key or len(key) > 200 or "\x00" in key:
        key_failed(request)
        raise exceptions.AuthenticationFailed("Invalid token.")
    token = ApiToken.objects.usable().select_related("user").filter(digest=key_digest(key)).first()
    if token is None:
        key_failed(request)
        raise exceptions.AuthenticationFailed("Invalid or revoked token.")
    if read_only and not token.read_only:
        # A key in a URL ends up in logs and browser history: only a read-only one may go there.
        raise exceptions.AuthenticationFailed("Only a read-only token may be given as ?key=.")
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`."""

    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed("Give the token as: Token <key>.")
        try:
            key = header[1].decode()
        except UnicodeError as error:
            key_failed(request)
            raise exceptions.AuthenticationFailed("Invalid token.") from error
        return _authenticate(request, key, read_only=False)

    def authenticate_header(self, request) -> str:
        return self.keyword


class QueryKeyAuthentication(authentication.BaseAuthentication):
    """`?key=<read-only token>` on GET requests only."""

    # What lib.api tells a sheet pull by (audited as one; lib knows no authenticator).
    in_url = True

    def authenticate(self, request):
        key = request.query_params.get("key")
        if key is None:
            return None
        if request.method not in ("GET", "HEAD"):
            raise exceptions.AuthenticationFailed("?key= is accepted on reads only.")
        user, token = _authenticate(request, key, read_only=True)
        # A key in a URL leaks (logs, history, the spreadsheet service): such a pull never
        # carries a restricted record, whoever's key it is.
        key_pull_limit(user)
        return user, token


# How the OpenAPI schema describes the two schemes (drf-spectacular finds them by class path).
class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; keys are issued and revoked in the admin.",
        }


class QueryKeyScheme(OpenApiAuthenticationExtension):
    target_class = "tracker.authentication.QueryKeyAuthentication"
    name = "queryKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "query",
            "name": "key",
            "description": "A read-only token in the URL, for GET only.",
        }
