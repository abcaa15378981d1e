from __future__ import annotations

import gzip
import ipaddress
import re
import socket
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st
from pytest_django.fixtures import Settings as DjangoSettings

from lib.http import BlockedURL, FetchError, check_url, fetch
from tests.statements.httpserver import LocalServer

MB = 1024 * 1024


@pytest.fixture
def local(settings: DjangoSettings, http_server: LocalServer) -> LocalServer:
    """The test server, reachable because 127.0.0.1 is on the allow-list."""
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.STATEMENTS_FETCH_TIMEOUT = 5
    return http_server


@pytest.fixture
def no_dns(settings: DjangoSettings, monkeypatch: pytest.MonkeyPatch) -> None:
    """Default allow-list, and any attempt to resolve a name fails the test."""
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = []

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"unexpected DNS lookup {args}")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- successful fetches ---------------------------------------------------------------------


def test_page_comes_back_with_headers_and_charset(local: LocalServer) -> None:
    local.route(
        "/statement",
        200,
        {
            "Content-Type": "text/html; charset=UTF-8",
            "ETag": '"v1"',
            "Last-Modified": "Wed, 01 May 2024 09:00:00 GMT",
            "X-Partner-Note": "kept as sent",
        },
        b"<h1>Joint statement</h1>",
    )

    result = fetch(local.url("/statement"))

    assert result.status == 200
    assert not result.not_modified
    assert result.url == local.url("/statement")
    assert result.body == b"<h1>Joint statement</h1>"
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Wed, 01 May 2024 09:00:00 GMT"
    assert result.headers["X-Partner-Note"] == "kept as sent"


def test_request_names_us_and_asks_for_compressed_html(local: LocalServer) -> None:
    local.route("/", 200, {"Content-Type": "text/plain"}, b"ok")

    fetch(local.url("/"), accept="application/rss+xml")

    sent = local.requests[-1].headers
    assert sent["User-Agent"] == "PartnershipTracker/1.0 (+statement importer)"
    assert sent["Accept"] == "application/rss+xml"
    assert sent["Accept-Encoding"] == "gzip, deflate"
    assert sent["Host"] == f"127.0.0.1:{local.port}"
    assert "If-None-Match" not in sent
    assert "If-Modified-Since" not in sent


def test_user_agent_comes_from_settings(local: LocalServer, settings: DjangoSettings) -> None:
    settings.STATEMENTS_USER_AGENT = "Tracker-test/2"
    local.route("/", 200, {}, b"ok")

    fetch(local.url("/"))

    assert local.requests[-1].headers["User-Agent"] == "Tracker-test/2"


def test_missing_content_type_gives_empty_type_and_no_charset(local: LocalServer) -> None:
    local.route("/", 200, {}, b"bytes")

    result = fetch(local.url("/"))

    assert (result.content_type, result.charset) == ("", None)


@pytest.mark.parametrize(
    ("header", "codec", "charset"),
    [
        ("text/html; charset=Shift_JIS", "shift_jis", "shift_jis"),
        ('text/html; charset="EUC-JP"', "euc_jp", "euc-jp"),
    ],
)
def test_japanese_bodies_come_back_as_the_exact_bytes(
    local: LocalServer, header: str, codec: str, charset: str
) -> None:
    body = "<p>日米防衛装備品協力に関する共同声明</p>".encode(codec)
    local.route("/ja", 200, {"Content-Type": header}, body)

    result = fetch(local.url("/ja"))

    assert result.body == body
    assert result.charset == charset
    assert result.content_type == "text/html"


def test_gzip_body_is_decoded(local: LocalServer) -> None:
    text = b"Joint statement. " * 1000
    local.route("/gz", 200, {"Content-Encoding": "gzip"}, gzip.compress(text))

    assert fetch(local.url("/gz")).body == text


# --- conditional GET ------------------------------------------------------------------------


def test_validators_are_sent_back_and_304_means_not_modified(local: LocalServer) -> None:
    local.route("/feed", 304, {"ETag": '"v2"'})

    result = fetch(local.url("/feed"), etag='"v1"', last_modified="Wed, 01 May 2024 09:00:00 GMT")

    sent = local.requests[-1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == "Wed, 01 May 2024 09:00:00 GMT"
    assert result.not_modified
    assert result.status == 304
    assert result.body == b""
    assert result.etag == '"v2"'
    # The 304 did not repeat Last-Modified; the one we had is kept for next time.
    assert result.last_modified == "Wed, 01 May 2024 09:00:00 GMT"


# --- HTTP errors ----------------------------------------------------------------------------


def test_404_is_a_permanent_error(local: LocalServer) -> None:
    with pytest.raises(FetchError) as caught:
        fetch(local.url("/missing"))

    assert not caught.value.transient
    assert str(caught.value) == f"HTTP 404 from {local.url('/missing')}"


@pytest.mark.parametrize("status", [429, 500, 503])
def test_server_trouble_is_transient(local: LocalServer, status: int) -> None:
    local.route("/busy", status, {}, b"try later")

    with pytest.raises(FetchError, match=f"HTTP {status} from") as caught:
        fetch(local.url("/busy"))

    assert caught.value.transient


def test_silent_server_times_out_after_about_the_timeout(
    local: LocalServer, settings: DjangoSettings
) -> None:
    settings.STATEMENTS_FETCH_TIMEOUT = 0.5
    local.slow("/slow", seconds=30)

    started = time.monotonic()
    with pytest.raises(FetchError, match="Timed out") as caught:
        fetch(local.url("/slow"))

    assert caught.value.transient
    assert time.monotonic() - started < 2


def test_slow_drip_is_cut_off_by_the_overall_deadline(
    local: LocalServer, settings: DjangoSettings
) -> None:
    # Each byte arrives well within the read timeout, so only the overall deadline can stop it.
    settings.STATEMENTS_FETCH_TIMEOUT = 0.3
    local.stream("/drip", total=10**6, chunk=b"x", delay=0.05)

    started = time.monotonic()
    with pytest.raises(FetchError, match="Timed out reading") as caught:
        fetch(local.url("/drip"))

    assert caught.value.transient
    assert time.monotonic() - started < 3


def test_closed_port_is_transient(local: LocalServer) -> None:
    url = f"http://127.0.0.1:{closed_port()}/"

    with pytest.raises(FetchError, match="Could not connect") as caught:
        fetch(url)

    assert caught.value.transient
    assert "refused" in str(caught.value)


def test_server_hanging_up_without_an_answer_is_transient(local: LocalServer) -> None:
    local.route("/hangup", lambda request: None)

    with pytest.raises(FetchError, match="failed") as caught:
        fetch(local.url("/hangup"))

    assert caught.value.transient


def test_lower_case_location_is_followed(local: LocalServer) -> None:
    local.route("/old", 302, {"location": "/new"})
    local.route("/new", 200, {}, b"here")

    assert fetch(local.url("/old")).url == local.url("/new")


# --- size cap -------------------------------------------------------------------------------


def test_huge_body_is_refused_without_reading_it_all(
    local: LocalServer, settings: DjangoSettings
) -> None:
    settings.STATEMENTS_FETCH_MAX_BYTES = 10 * MB
    stream = local.stream("/huge", total=50 * MB)

    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="larger than 10 MB") as caught:
            fetch(local.url("/huge"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert not caught.value.transient
    assert peak < 20 * MB
    assert stream.done.wait(5)
    assert stream.broken_pipe
    assert stream.sent < 50 * MB


def test_declared_length_over_the_cap_is_refused_before_reading(
    local: LocalServer, settings
) -> None:
    settings.STATEMENTS_FETCH_MAX_BYTES = 1 * MB
    settings.STATEMENTS_FETCH_TIMEOUT = 2

    def promises_much_sends_nothing(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(50 * MB))
        request.end_headers()
        local.stopping.wait(10)

    local.route("/big", promises_much_sends_nothing)

    started = time.monotonic()
    with pytest.raises(FetchError, match="larger than 1 MB") as caught:
        fetch(local.url("/big"))

    # Had we waited for the body, this would have been a (transient) read timeout.
    assert not caught.value.transient
    assert time.monotonic() - started < 1


def test_cap_applies_to_the_decoded_body(local: LocalServer, settings: DjangoSettings) -> None:
    settings.STATEMENTS_FETCH_MAX_BYTES = 1 * MB
    bomb = gzip.compress(b"\0" * 20 * MB)
    assert len(bomb) < 1 * MB
    local.route("/bomb", 200, {"Content-Encoding": "gzip"}, bomb)

    with pytest.raises(FetchError, match="larger than 1 MB"):
        fetch(local.url("/bomb"))


# --- TLS ------------------------------------------------------------------------------------


def test_untrusted_certificate_is_refused(
    settings: DjangoSettings,
    https_server: LocalServer,
) -> None:
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    https_server.route("/", 200, {}, b"secret")

    with pytest.raises(FetchError, match="TLS error") as caught:
        fetch(https_server.url("/"))

    assert not caught.value.transient
    assert https_server.requests == []


# --- redirects ------------------------------------------------------------------------------


def test_redirect_is_followed_and_the_final_url_reported(local: LocalServer) -> None:
    local.redirect("/old", "/new", status=301)
    local.route("/new", 200, {"Content-Type": "text/html"}, b"moved here")

    result = fetch(local.url("/old"))

    assert result.url == local.url("/new")
    assert result.body == b"moved here"
    assert local.paths() == ["/old", "/new"]


def test_five_redirects_are_followed(local: LocalServer) -> None:
    for i in range(5):
        local.redirect(f"/r{i}", f"/r{i + 1}")
    local.route("/r5", 200, {}, b"end")

    assert fetch(local.url("/r0")).url == local.url("/r5")


def test_six_redirects_are_too_many(local: LocalServer) -> None:
    for i in range(6):
        local.redirect(f"/r{i}", local.url(f"/r{i + 1}"))
    local.route("/r6", 200, {}, b"end")

    with pytest.raises(FetchError, match=r"Too many redirects \(max 5\)") as caught:
        fetch(local.url("/r0"))

    assert not caught.value.transient
    assert "/r6" not in [r.path for r in local.requests]


def test_redirect_loop_is_refused(local: LocalServer) -> None:
    local.redirect("/a", "/b")
    local.redirect("/b", "/a")

    with pytest.raises(FetchError, match="Redirect loop") as caught:
        fetch(local.url("/a"))

    assert not caught.value.transient
    assert len(local.paths()) == 2


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://10.0.0.1/", "10.0.0.1 is a private address"),
        ("http://2130706433/", "not a plain dotted-quad"),
        ("file:///etc/passwd", "only http and https"),
    ],
)
def test_redirect_to_an_internal_address_is_refused(
    local: LocalServer, location: str, reason: str
) -> None:
    local.redirect("/go", location)

    with pytest.raises(BlockedURL, match=re.escape(reason)) as caught:
        fetch(local.url("/go"))

    assert not caught.value.transient


def test_allow_list_is_exact_so_localhost_is_still_refused(local: LocalServer) -> None:
    local.redirect("/go", f"http://localhost:{local.port}/")

    with pytest.raises(BlockedURL, match="localhost"):
        fetch(local.url("/go"))


def test_allowed_name_is_sent_as_host_while_the_vetted_address_is_used(
    local: LocalServer, settings
) -> None:
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["localhost"]
    local.route("/", 200, {}, b"ok")

    result = fetch(f"http://localhost:{local.port}/")

    assert result.body == b"ok"
    assert local.requests[-1].headers["Host"] == f"localhost:{local.port}"


# --- refusals before any connection ---------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://LOCALHOST./admin",
        "http://api.localhost/",
        "http://[::1]/",
        "http://10.1.2.3/",
        "http://192.168.0.1/",
        "http://172.16.5.4/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.100.100.200/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
        "http://[fd00::1]/",
        "http://[fe80::1]/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://0x7f.0.0.1/",
        "http://0x7f000001/",
        "http://127.1/",
        "http://127.0.0.%31/",
        "http://127.0.0.1./",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:a9fe:a9fe]/",
        "http://[2002:7f00:1::]/",
        "https://127.0.0.1:8443/",
    ],
)
def test_internal_hosts_are_refused_without_touching_the_network(no_dns: None, url: str) -> None:
    with pytest.raises(BlockedURL) as caught:
        check_url(url)

    assert str(caught.value).startswith("Refused: ")
    assert not caught.value.transient


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://ftp.example.org/pub/statement.txt",
        "gopher://example.org/",
        "javascript:alert(1)",
        "http://user:pass@example.org/",
        "http://user@example.org/",
        "http:///no-host",
        "http://example.org:99999/",
        "",
    ],
)
def test_other_schemes_credentials_and_broken_urls_are_refused(no_dns: None, url: str) -> None:
    with pytest.raises(BlockedURL):
        check_url(url)


def test_public_address_passes(no_dns: None) -> None:
    check_url("https://8.8.8.8/statement")
    check_url("http://[2001:4860:4860::8888]/")


def test_fetch_refuses_before_connecting(no_dns: None) -> None:
    with pytest.raises(BlockedURL, match="private address"):
        fetch("http://10.1.2.3/")


def test_name_is_refused_if_any_address_it_resolves_to_is_internal(
    settings: DjangoSettings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = []

    def resolve(host: str, port: int, *args: object, **kwargs: object) -> list:
        addresses = {"intranet.example": ["10.0.0.5"], "mixed.example": ["8.8.8.8", "127.0.0.2"]}
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))
            for address in addresses[host]
        ]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)

    with pytest.raises(BlockedURL) as private:
        check_url("https://intranet.example/")
    with pytest.raises(BlockedURL) as loopback:
        check_url("https://mixed.example/")

    assert str(private.value) == "Refused: intranet.example resolves to 10.0.0.5, a private address"
    assert str(loopback.value) == (
        "Refused: mixed.example resolves to 127.0.0.2, a loopback address"
    )


INTERNAL_NETWORKS = [
    ipaddress.IPv4Network(net)
    for net in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "100.64.0.0/10",
        "0.0.0.0/8",
    )
]


@st.composite
def internal_urls(draw: st.DrawFn) -> str:
    network = draw(st.sampled_from(INTERNAL_NETWORKS))
    offset = draw(st.integers(0, network.num_addresses - 1))
    address = network.network_address + offset
    scheme = draw(st.sampled_from(["http", "https"]))
    port = draw(st.one_of(st.just(""), st.integers(1, 65535).map(lambda p: f":{p}")))
    path = draw(st.sampled_from(["/", "/latest/meta-data/", "/admin?x=1", ""]))
    return f"{scheme}://{address}{port}{path}"


@given(internal_urls())
def test_any_internal_ipv4_url_is_refused(url: str) -> None:
    with override_settings(STATEMENTS_FETCH_ALLOWED_HOSTS=[]), pytest.raises(BlockedURL):
        check_url(url)
