"""Limits on guessing secret keys (API tokens, `?key=`, calendar feed keys): a fixed-window
failure counter per client address over Django's cache.

Logins to the admin are django-axes' job (settings AXES_*); this covers the keys axes does not
see. Once a client has KEY_FAILURE_LIMIT failures in a KEY_FAILURE_WINDOW-second window, every
key it sends is refused with 429 until the window ends, a right key too, so a guesser learns
nothing from the answers it still gets. A fixed window is enough: it only has to turn
thousands of guesses an hour into a few dozen. The counters live in the configured cache
(Redis in production, so all gunicorn workers share them; per process with the in-memory one).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, JsonResponse

TOO_MANY = "Too many failed attempts from your address; try again in {seconds} s."


@dataclass(frozen=True)
class FailureLimit:
    scope: str
    limit: int
    window: int  # seconds

    def _key(self, client: str, now: float) -> tuple[str, int]:
        window_start = int(now // self.window) * self.window
        return f"failures:{self.scope}:{client}:{window_start}", window_start

    def retry_after(self, client: str) -> int | None:
        """Seconds until `client` may try again, or None if it is not refused."""
        now = time.time()
        key, window_start = self._key(client, now)
        if (cache.get(key) or 0) < self.limit:
            return None
        return max(1, int(window_start + self.window - now))

    def record_failure(self, client: str) -> None:
        key, _ = self._key(client, time.time())
        # add() is a no-op when the counter exists; incr() is atomic on Redis and on locmem.
        cache.add(key, 0, timeout=self.window + 1)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, timeout=self.window + 1)


def client_address(request: HttpRequest) -> str:
    """The one rule for "which client is this" (axes uses it too: AXES_CLIENT_IP_CALLABLE).

    REMOTE_ADDR; or, behind TRACKER_TRUSTED_PROXIES proxies that each append to
    X-Forwarded-For, the entry the outermost of them appended. Entries further left are
    whatever the client sent and are never trusted. "" when there is none (a request made in
    code, as `Client.force_login`'s): axes then stores no address rather than a bad one."""
    remote = request.META.get("REMOTE_ADDR") or ""
    proxies = int(getattr(settings, "TRACKER_TRUSTED_PROXIES", 0))
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def key_failures() -> FailureLimit:
    """API tokens and calendar keys share one budget: both are guesses at a secret key."""
    return FailureLimit(
        scope="keys",
        limit=int(getattr(settings, "KEY_FAILURE_LIMIT", 20)),
        window=int(getattr(settings, "KEY_FAILURE_WINDOW", 600)),
    )


def key_retry_after(request: HttpRequest) -> int | None:
    """Seconds this client must wait before sending a key again, or None."""
    return key_failures().retry_after(client_address(request))


def key_failed(request: HttpRequest) -> None:
    key_failures().record_failure(client_address(request))


def too_many_response(wait: int) -> JsonResponse:
    """The 429 for plain Django views (the API's goes through DRF's Throttled)."""
    response = JsonResponse({"detail": TOO_MANY.format(seconds=wait)}, status=429)
    response["Retry-After"] = str(wait)
    return response
