"""Today's rates kept in each process, so an API list does not read them on every request.

Every opportunity the API shows carries its value in the reporting currency, and the rates
behind it change a few times a day at most; reading them was one query and about 1 ms of a
10 ms list request (bench/README.md, load_bench). `rates_kept()` reads them once per process
and day and keeps them while the *stamp* is unchanged. A write of a rate changes the stamp
(`rates_changed()`), held in Django's cache: with a shared cache (`CACHE_URL`, Redis) every
process sees a write at its next request; with the default per-process cache the writing
process sees it at once and the others within `KEPT_SECONDS`, after which each reads again
whatever the stamp says.

A rate saved or deleted one at a time (the admin, the shell, tests) changes the stamp through
the model's signals (connected in apps.py); bulk writes, which send none, call
`rates_changed()` themselves (`exchange_rates_load`).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone

from .rates import Rates, rates_on

STAMP_KEY = "money:rates-stamp"
# How long another process may show the rates it read before a write it could not see (with
# the default per-process cache); a shared cache makes it immediate.
KEPT_SECONDS = 60
_clock = time.monotonic  # a test moves it on

_lock = threading.Lock()
# (day, reporting currency) -> (the rates, the stamp they were read under, read at)
_kept: dict[tuple, tuple[Rates, str, float]] = {}


def _stamp() -> str:
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        # Cleared or evicted: a fresh stamp, so nothing kept before counts.
        cache.add(STAMP_KEY, uuid.uuid4().hex, timeout=None)
        stamp = cache.get(STAMP_KEY) or ""
    return stamp


def rates_kept() -> Rates:
    """`rates_on()` for today in the reporting currency, read at most once per stamp and
    KEPT_SECONDS in this process."""
    key = (timezone.localdate(), settings.TRACKER_REPORTING_CURRENCY)
    stamp = _stamp()
    found = _kept.get(key)
    if found is not None and found[1] == stamp and _clock() - found[2] < KEPT_SECONDS:
        return found[0]
    rates = rates_on(*key)
    with _lock:
        _kept.clear()  # yesterday's and older stamps' rates are never read again
        _kept[key] = (rates, stamp, _clock())
    return rates


def _forget() -> None:
    cache.set(STAMP_KEY, uuid.uuid4().hex, timeout=None)
    with _lock:
        _kept.clear()


def rates_changed() -> None:
    """Call after writing rates. The stamp changes now (this transaction's own later reads see
    the write) and again once committed: a process that read between the two, before the
    commit, kept the old rates under the first stamp."""
    _forget()
    transaction.on_commit(_forget)


def rate_saved_or_deleted(sender: Any, **kwargs: Any) -> None:
    """Receiver of ExchangeRate's post_save and post_delete."""
    rates_changed()
