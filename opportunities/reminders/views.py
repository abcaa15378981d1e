from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from lib.ratelimit import key_failed, key_retry_after, too_many_response
from statements.sensitivity import key_pull_limit

from .calendar import calendar_render, live_feed


@require_safe
def calendar_feed(request: HttpRequest, key: str) -> HttpResponse:
    """The follow-ups of the feed's owner as iCalendar; the key is the only credential, so
    wrong keys count against the client's address like wrong API tokens (lib/ratelimit.py)."""
    wait = key_retry_after(request)
    if wait is not None:
        return too_many_response(wait)
    feed = live_feed(key)
    if feed is None:
        key_failed(request)
        raise Http404("No such calendar feed.")
    # The key rides in the URL, kept by a calendar service outside the tracker: a key pull,
    # so the feed never carries a restricted follow-up, whoever owns it.
    key_pull_limit(feed.user)
    response = HttpResponse(calendar_render(user=feed.user), content_type="text/calendar")
    response["Content-Type"] = "text/calendar; charset=utf-8"
    response["Content-Disposition"] = 'inline; filename="follow-ups.ics"'
    response["Cache-Control"] = "private, max-age=900"
    response["X-Robots-Tag"] = "noindex"
    return response
