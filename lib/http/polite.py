"""Fetching politely: at most N requests per host per minute, robots.txt honoured, and a host
that answered 429 or 503 with a Retry-After left alone until then.

The state (requests counted per host and minute, robots.txt per origin, hosts on hold) lives in
Django's cache, so every worker shares it when the cache is shared (CACHE_URL pointing at Redis;
see docs/configuration.md); with the default per-process cache each process keeps its own.
"""

from __future__ import annotations

import datetime
import email.utils
import time
from collections.abc import Callable
from functools import lru_cache
from urllib.robotparser import RobotFileParser

from django.conf import settings
from django.core.cache import cache

from .errors import FetchError
from .urls import url_origin

WINDOW_SECONDS = 60  # the limit is per calendar minute
MAX_WAIT_WINDOWS = 2  # a request waits at most this many windows for its turn, then fails
ROBOTS_TTL = 24 * 60 * 60  # RFC 9309: a robots.txt may be cached up to a day
MAX_HOLD = datetime.timedelta(days=7)
_PREFIX = "lib.http."


def host_turn_wait(host: str, *, sleep: Callable[[float], None] = time.sleep) -> None:
    """Return when `host` may take one more request within the limit of
    STATEMENTS_FETCH_PER_HOST_PER_MINUTE (0: no limit), sleeping until the next minute if this
    one is used up. Raises a transient FetchError when no turn comes within MAX_WAIT_WINDOWS."""
    limit = int(getattr(settings, "STATEMENTS_FETCH_PER_HOST_PER_MINUTE", 0))
    if limit <= 0:
        return
    give_up = time.time() + WINDOW_SECONDS * MAX_WAIT_WINDOWS
    while True:
        now = time.time()
        window = int(now // WINDOW_SECONDS)
        key = f"{_PREFIX}turns.{host}.{window}"
        # add + incr are atomic on a shared cache, so two workers never take the same turn.
        cache.add(key, 0, timeout=WINDOW_SECONDS * 2)
        try:
            taken = cache.incr(key)
        except ValueError:  # expired between add and incr
            continue
        if taken <= limit:
            return
        next_window = (window + 1) * WINDOW_SECONDS
        if next_window > give_up:
            raise FetchError(
                f"Not fetched: more than {limit} requests a minute to {host} are not made "
                "(STATEMENTS_FETCH_PER_HOST_PER_MINUTE); it will be tried at the next run",
                transient=True,
            )
        sleep(next_window - now)


def retry_after_parse(value: str, *, now: datetime.datetime) -> datetime.datetime | None:
    """A Retry-After header (seconds, or an HTTP date) as a time, capped at MAX_HOLD; None when
    missing or unreadable."""
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        until = now + datetime.timedelta(seconds=int(value))
    else:
        try:
            until = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if until.tzinfo is None:
            until = until.replace(tzinfo=datetime.UTC)
    return min(max(until, now), now + MAX_HOLD)


def host_hold(host: str, until: datetime.datetime) -> None:
    """Make no request to `host` before `until` (it asked so with a Retry-After)."""
    seconds = (until - datetime.datetime.now(datetime.UTC)).total_seconds()
    if seconds > 0:
        cache.set(f"{_PREFIX}hold.{host}", until.timestamp(), timeout=int(seconds) + 1)


def host_held_until(host: str) -> datetime.datetime | None:
    stamp = cache.get(f"{_PREFIX}hold.{host}")
    if stamp is None or stamp <= time.time():
        return None
    return datetime.datetime.fromtimestamp(stamp, tz=datetime.UTC)


def hold_check(url: str, host: str) -> None:
    """Raise a transient FetchError while `host` is on hold."""
    if (until := host_held_until(host)) is not None:
        raise FetchError(
            f"Not fetched: {host} asked to be left alone until {until:%Y-%m-%d %H:%M:%S} UTC "
            f"(Retry-After); {url} waits until then",
            transient=True,
            retry_after=until,
        )


def hold_from_answer(url: str, host: str, status: int, retry_after: str | None) -> None:
    """A 429 or 503 with a readable Retry-After puts the host on hold and raises a transient
    FetchError saying until when; without one, nothing happens here."""
    until = retry_after_parse(retry_after or "", now=datetime.datetime.now(datetime.UTC))
    if until is None:
        return
    host_hold(host, until)
    raise FetchError(
        f"HTTP {status} from {url}; the host asked to be left alone until "
        f"{until:%Y-%m-%d %H:%M:%S} UTC (Retry-After)",
        transient=True,
        status=status,
        retry_after=until,
    )


@lru_cache(maxsize=256)
def _robots_parser(text: str) -> RobotFileParser:
    parser = RobotFileParser()
    parser.parse(text.splitlines())
    return parser


def robots_text(url: str, *, get: Callable[[str], bytes]) -> str:
    """The robots.txt of `url`'s origin, cached per origin; `get` fetches it (through the same
    vetted client). RFC 9309: a robots.txt that is missing or refused (4xx) allows everything;
    one that cannot be read (5xx, no connection) allows nothing for now."""
    origin = url_origin(url)
    key = f"{_PREFIX}robots.{origin}"
    text = cache.get(key)
    if text is not None:
        return text
    try:
        text = get(f"{origin}/robots.txt").decode("utf-8", errors="replace")
    except FetchError as error:
        if error.status is None or not 400 <= error.status < 500:
            raise FetchError(
                f"Not fetched: the robots.txt of {origin} could not be read ({error})",
                transient=error.transient,
                retry_after=error.retry_after,
            ) from error
        text = ""
    cache.set(key, text, timeout=ROBOTS_TTL)
    return text


def robots_check(url: str, *, user_agent: str, get: Callable[[str], bytes]) -> None:
    """Raise FetchError when the robots.txt of `url`'s origin disallows it for `user_agent`."""
    text = robots_text(url, get=get)
    if text and not _robots_parser(text).can_fetch(user_agent, url):
        raise FetchError(f"Not fetched: the robots.txt of {url_origin(url)} disallows {url}")
