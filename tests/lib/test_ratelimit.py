from __future__ import annotations

import pytest
from django.test import RequestFactory

from lib.ratelimit import FailureLimit, client_address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "1.1.1.1", "10.0.0.1"),  # no proxy trusted: the header is the client's own words
        (1, "1.1.1.1", "1.1.1.1"),
        (1, "6.6.6.6, 1.1.1.1", "1.1.1.1"),  # the client prepended a lie; the proxy appended
        (2, "6.6.6.6, 1.1.1.1, 10.0.0.9", "1.1.1.1"),
        (2, "", "10.0.0.1"),  # fewer entries than proxies: not what a proxy sends
    ],
)
def test_client_address_trusts_only_the_configured_proxies(settings, proxies, forwarded, expected):
    settings.TRACKER_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected


def test_failures_count_per_client_and_stop_at_the_limit():
    limit = FailureLimit(scope="test", limit=3, window=60)
    for _ in range(3):
        assert limit.retry_after("a") is None
        limit.record_failure("a")
    wait = limit.retry_after("a")
    assert wait is not None and 0 < wait <= 60
    assert limit.retry_after("b") is None


def test_a_request_without_an_address_has_none():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_address(request) == ""
