"""Polite fetching on the local 127.0.0.1 server: at most N requests per host per minute,
robots.txt read once per origin and honoured, a Retry-After on 429/503 kept for the host."""

from __future__ import annotations

import datetime
import time
from http.server import BaseHTTPRequestHandler

import pytest
from pytest_django.fixtures import Settings as DjangoSettings

from lib.http import FetchError, fetch, polite, url_normalised
from tests.statements.httpserver import LocalServer

NOW = datetime.datetime(2026, 12, 2, 3, 0, tzinfo=datetime.UTC)


@pytest.fixture
def polite_server(settings: DjangoSettings, http_server: LocalServer) -> LocalServer:
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.STATEMENTS_FETCH_TIMEOUT = 5
    settings.STATEMENTS_USER_AGENT = "PartnershipTracker/1.0 (+statement importer)"
    return http_server


def robots(server: LocalServer, text: str, status: int = 200) -> None:
    server.route("/robots.txt", status, {"Content-Type": "text/plain"}, text.encode())


# --- robots.txt -------------------------------------------------------------------------------


def test_a_path_robots_txt_disallows_is_not_fetched(polite_server: LocalServer) -> None:
    robots(polite_server, "User-agent: *\nDisallow: /private/\n")
    polite_server.route("/private/note", 200, {}, b"secret")
    polite_server.route("/public", 200, {}, b"ok")

    with pytest.raises(FetchError, match=r"robots\.txt of .* disallows") as caught:
        fetch(polite_server.url("/private/note"))
    assert fetch(polite_server.url("/public")).body == b"ok"

    assert not caught.value.transient
    assert polite_server.paths() == ["/public"]
    # Read once for the origin, then cached.
    assert [r.path for r in polite_server.requests].count("/robots.txt") == 1


def test_rules_for_our_user_agent_apply_to_us(polite_server: LocalServer) -> None:
    robots(
        polite_server, "User-agent: PartnershipTracker\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    )
    polite_server.route("/page", 200, {}, b"ok")

    with pytest.raises(FetchError, match="disallows"):
        fetch(polite_server.url("/page"))


def test_a_redirect_to_a_disallowed_path_is_not_followed(polite_server: LocalServer) -> None:
    robots(polite_server, "User-agent: *\nDisallow: /hidden\n")
    polite_server.redirect("/open", "/hidden")
    polite_server.route("/hidden", 200, {}, b"no")

    with pytest.raises(FetchError, match="disallows"):
        fetch(polite_server.url("/open"))

    assert polite_server.paths() == ["/open"]


def test_a_missing_robots_txt_allows_everything(polite_server: LocalServer) -> None:
    polite_server.route("/page", 200, {}, b"ok")  # /robots.txt answers 404

    assert fetch(polite_server.url("/page")).body == b"ok"


def test_a_robots_txt_that_cannot_be_read_allows_nothing_for_now(
    polite_server: LocalServer,
) -> None:
    robots(polite_server, "oops", status=500)
    polite_server.route("/page", 200, {}, b"ok")

    with pytest.raises(FetchError, match=r"robots\.txt of .* could not be read") as caught:
        fetch(polite_server.url("/page"))

    assert caught.value.transient
    assert polite_server.paths() == []


def test_a_robots_txt_answering_retry_after_holds_the_host(polite_server: LocalServer) -> None:
    polite_server.route("/robots.txt", 503, {"Retry-After": "60"}, b"")
    polite_server.route("/page", 200, {}, b"ok")

    with pytest.raises(FetchError, match="could not be read") as caught:
        fetch(polite_server.url("/page"))

    assert caught.value.transient and caught.value.retry_after is not None
    assert polite_server.paths() == []


# --- requests per host per minute ---------------------------------------------------------


def test_requests_to_one_host_wait_for_their_turn(
    polite_server: LocalServer, settings: DjangoSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STATEMENTS_FETCH_PER_HOST_PER_MINUTE = 2
    monkeypatch.setattr(polite, "WINDOW_SECONDS", 1)  # a "minute" of one second
    arrived: list[float] = []

    def page(request: BaseHTTPRequestHandler) -> None:
        arrived.append(time.time())
        request.send_response(200)
        request.send_header("Content-Length", "2")
        request.end_headers()
        request.wfile.write(b"ok")

    polite_server.route("/page", page)
    polite_server.route("/robots.txt", page)

    for _ in range(5):
        fetch(polite_server.url("/page"))

    # Six requests (robots.txt too), never more than two in one window of a second.
    windows = [int(moment) for moment in arrived]
    assert len(arrived) == 6
    assert max(windows.count(window) for window in set(windows)) <= 2
    assert arrived[-1] - arrived[0] >= 1.0


def test_a_request_that_gets_no_turn_in_time_fails_as_transient(
    polite_server: LocalServer, settings: DjangoSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STATEMENTS_FETCH_PER_HOST_PER_MINUTE = 2
    monkeypatch.setattr(polite, "MAX_WAIT_WINDOWS", 0)  # no waiting at all
    polite_server.route("/page", 200, {}, b"ok")

    fetch(polite_server.url("/page"))  # robots.txt and the page: the minute's two turns
    with pytest.raises(FetchError, match="more than 2 requests a minute") as caught:
        fetch(polite_server.url("/page"))

    assert caught.value.transient
    assert len(polite_server.paths()) == 1


def test_no_limit_when_the_setting_is_zero(
    polite_server: LocalServer, settings: DjangoSettings
) -> None:
    settings.STATEMENTS_FETCH_PER_HOST_PER_MINUTE = 0
    polite_server.route("/page", 200, {}, b"ok")

    for _ in range(20):
        fetch(polite_server.url("/page"))

    assert len(polite_server.paths()) == 20


# --- Retry-After --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_puts_the_host_on_hold(polite_server: LocalServer, status: int) -> None:
    polite_server.route("/busy", status, {"Retry-After": "120"}, b"")
    polite_server.route("/other", 200, {}, b"ok")
    before = datetime.datetime.now(datetime.UTC)

    with pytest.raises(FetchError, match=f"HTTP {status}.*Retry-After") as caught:
        fetch(polite_server.url("/busy"))
    with pytest.raises(FetchError, match="asked to be left alone until") as held:
        fetch(polite_server.url("/other"))

    assert caught.value.transient and caught.value.status == status
    wait = (caught.value.retry_after - before).total_seconds()
    assert 119 <= wait <= 122
    assert held.value.retry_after == caught.value.retry_after
    assert polite_server.paths() == ["/busy"]  # nothing more was asked of the host


def test_a_429_without_retry_after_is_a_plain_transient_error(polite_server: LocalServer) -> None:
    polite_server.route("/busy", 429, {}, b"")
    polite_server.route("/other", 200, {}, b"ok")

    with pytest.raises(FetchError, match="HTTP 429") as caught:
        fetch(polite_server.url("/busy"))

    assert caught.value.transient and caught.value.retry_after is None
    assert fetch(polite_server.url("/other")).body == b"ok"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("30", NOW + datetime.timedelta(seconds=30)),
        ("Wed, 02 Dec 2026 04:00:00 GMT", NOW + datetime.timedelta(hours=1)),
        ("Tue, 01 Dec 2026 04:00:00 GMT", NOW),  # a date in the past: now
        ("999999999", NOW + polite.MAX_HOLD),  # capped
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_is_read_as_seconds_or_a_date(header, expected) -> None:
    assert polite.retry_after_parse(header, now=NOW) == expected


# --- one spelling per URL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        "https://mod.example.org/feed",
        "HTTPS://MOD.Example.ORG/feed/",
        "https://mod.example.org:443/feed",
        "https://mod.example.org/feed#latest",
    ],
)
def test_spellings_of_one_url_normalise_alike(spelling: str) -> None:
    assert url_normalised(spelling) == "https://mod.example.org/feed"


def test_path_query_and_port_that_differ_stay_apart() -> None:
    base = url_normalised("https://mod.example.org/feed")

    assert url_normalised("https://mod.example.org/Feed") != base
    assert url_normalised("https://mod.example.org/feed?lang=ja") != base
    assert url_normalised("https://mod.example.org:8443/feed") != base
    assert url_normalised("http://mod.example.org/feed") != base
    assert url_normalised("http://mod.example.org:80/") == "http://mod.example.org"
