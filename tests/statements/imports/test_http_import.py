"""Feeds, pages and index pages imported over real HTTP from a server on 127.0.0.1."""

from __future__ import annotations

import socket
from http.server import BaseHTTPRequestHandler

import pytest
from django.urls import reverse

from statements import imports
from statements.models import ImportRun, RawItem, Source, Statement
from tests.statements.imports.sources import BODY, HTML, RSS, page, rss, source_for

# The local test servers may be fetched (the root `local_fetching` fixture).
pytestmark = pytest.mark.usefixtures("local_fetching")


def conditional(body: bytes, headers: dict, etag: str):
    """A route that answers 304 when the client already has `etag`."""

    def handler(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag:
            request.send_response(304)
            request.send_header("ETag", etag)
            request.end_headers()
            return
        request.send_response(200)
        for name, value in {**headers, "ETag": etag}.items():
            request.send_header(name, value)
        request.send_header("Content-Length", str(len(body)))
        request.end_headers()
        request.wfile.write(body)

    return handler


@pytest.mark.django_db
def test_feed_import_follows_each_entry_and_one_bad_page_sinks_nothing(http_server):
    http_server.route("/s/1", 200, HTML, page("First statement"))
    http_server.route("/s/2", 200, HTML, page("Second statement", BODY.replace("Japan", "France")))
    http_server.route("/s/3", 500, HTML, b"oops")
    http_server.route("/feed.xml", 200, RSS, rss(http_server, ["/s/1", "/s/2", "/s/3"]))
    source = source_for(http_server.url("/feed.xml"))

    run = imports.source_import(source_id=source.pk)

    assert (run.status, run.fetched, run.new, run.failed) == (ImportRun.Status.PARTIAL, 3, 2, 1)
    assert "HTTP 500" in run.errors[0]["error"]
    assert run.errors[0]["item"].endswith("/s/3")
    first = Statement.objects.get(title="First statement")
    assert first.published_on.isoformat() == "2023-03-20"
    assert "top of page" not in first.text and "Home" not in first.text
    assert bytes(first.raw_items.get().body) == page("First statement")


@pytest.mark.django_db
def test_unchanged_feed_is_a_304_and_fetches_nothing_more(http_server):
    http_server.route("/s/1", 200, HTML, page("First statement"))
    body = rss(http_server, ["/s/1"])
    http_server.route("/feed.xml", conditional(body, RSS, '"v1"'))
    source = source_for(http_server.url("/feed.xml"))
    imports.source_import(source_id=source.pk)
    requests_before = len(http_server.requests)

    run = imports.source_import(source_id=source.pk)

    assert run.status == ImportRun.Status.NOT_MODIFIED
    assert http_server.requests[-1].headers["If-None-Match"] == '"v1"'
    assert len(http_server.requests) == requests_before + 1
    assert Statement.objects.count() == 1


@pytest.mark.django_db
def test_a_grown_feed_fetches_only_the_new_entry(http_server):
    for number in (1, 2):
        http_server.route(
            f"/s/{number}", 200, HTML, page(f"Statement {number}", f"{BODY} {number}")
        )
    http_server.route("/feed.xml", 200, RSS, rss(http_server, ["/s/1"]))
    source = source_for(http_server.url("/feed.xml"))
    imports.source_import(source_id=source.pk)
    http_server.route("/feed.xml", 200, RSS, rss(http_server, ["/s/1", "/s/2"]))

    run = imports.source_import(source_id=source.pk)

    assert (run.new, run.duplicate) == (1, 1)
    assert [r.path for r in http_server.requests].count("/s/1") == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<rss><channel><item><title>unclosed", "not well-formed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<rss><channel><title>&x;</title></channel></rss>",
            "forbidden XML entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><rss><channel><title>&b;</title>'
            b"</channel></rss>",
            "forbidden XML entities",
        ),
    ],
    ids=["malformed", "external-entity", "entity-expansion"],
)
def test_a_hostile_or_broken_feed_fails_clearly_and_keeps_what_was_stored(
    http_server, body, message
):
    http_server.route("/s/1", 200, HTML, page("Kept statement"))
    http_server.route("/feed.xml", 200, RSS, rss(http_server, ["/s/1"]))
    source = source_for(http_server.url("/feed.xml"))
    imports.source_import(source_id=source.pk)
    http_server.route("/feed.xml", 200, RSS, body)

    with pytest.raises(imports.SourceFailed, match=message) as raised:
        imports.source_import(source_id=source.pk)

    assert raised.value.transient is False
    assert Statement.objects.filter(title="Kept statement").exists()
    source.refresh_from_db()
    assert source.failure_count == 1 and message in source.last_error
    assert not Statement.objects.filter(text__contains="root:").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("setup", "transient", "message"),
    [
        (lambda s: s.route("/feed.xml", 404, HTML, b"gone"), False, "HTTP 404"),
        (lambda s: s.route("/feed.xml", 503, HTML, b"busy"), True, "HTTP 503"),
        (lambda s: s.slow("/feed.xml", 5), True, "imed out"),
        (lambda s: s.redirect("/feed.xml", "/feed.xml"), False, "Redirect loop"),
        (lambda s: s.redirect("/feed.xml", "http://169.254.169.254/latest/"), False, "Refused"),
        (lambda s: s.stream("/feed.xml", 50 * 1024 * 1024), False, "larger than"),
    ],
    ids=["404", "503", "timeout", "redirect-loop", "metadata-redirect", "50MB"],
)
def test_a_feed_that_cannot_be_fetched_fails_the_run_with_a_clear_reason(
    http_server, setup, transient, message
):
    setup(http_server)
    source = source_for(http_server.url("/feed.xml"))

    with pytest.raises(imports.SourceFailed) as raised:
        imports.source_import(source_id=source.pk)

    assert raised.value.transient is transient
    assert message in str(raised.value)
    run = ImportRun.objects.get(source=source)
    assert run.status == ImportRun.Status.FAILED


@pytest.mark.django_db
def test_connection_refused_is_transient(db):
    source = source_for(f"http://127.0.0.1:{_closed_port()}/feed.xml")

    with pytest.raises(imports.SourceFailed) as raised:
        imports.source_import(source_id=source.pk)

    assert raised.value.transient is True


JAPANESE = "日本とインドは防衛装備品の共同開発で合意した。"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("encoding", "headers", "meta"),
    [
        ("shift_jis", {"Content-Type": "text/html"}, '<meta charset="Shift_JIS">'),
        ("euc_jp", {"Content-Type": "text/html; charset=EUC-JP"}, ""),
    ],
)
def test_japanese_encodings_come_out_as_correct_text(http_server, encoding, headers, meta):
    html = (
        f"<html><head>{meta}<title>共同声明</title></head><body><article><h1>共同声明</h1>"
        f"<p>{JAPANESE}</p><p>{BODY}</p></article></body></html>"
    )
    http_server.route("/ja", 200, headers, html.encode(encoding))
    source = source_for(http_server.url("/ja"), kind=Source.Kind.PAGE)

    imports.source_import(source_id=source.pk)

    statement = Statement.objects.get()
    assert JAPANESE in statement.text
    assert statement.title == "共同声明"


@pytest.mark.django_db
def test_index_page_follows_same_host_links_up_to_the_limit(http_server):
    links = "".join(f'<li><a href="/s/{n}">Statement {n}</a></li>' for n in range(1, 6))
    index = (
        f'<html><body><ul>{links}</ul><a href="http://example.org/elsewhere">out</a>'
        f'<a href="javascript:alert(1)">js</a><link href="/style.css"></body></html>'
    ).encode()
    http_server.route("/briefings", 200, HTML, index)
    for number in range(1, 6):
        http_server.route(f"/s/{number}", 200, HTML, page(f"Statement {number}", f"{BODY}{number}"))
    source = source_for(http_server.url("/briefings"), kind=Source.Kind.INDEX, max_items=3)

    run = imports.source_import(source_id=source.pk)

    assert (run.fetched, run.new) == (3, 3)
    fetched = set(http_server.paths())
    assert fetched == {"/briefings", "/s/1", "/s/2", "/s/3"}


HOSTILE = """
<script>document.title='owned'</script>
<iframe src="http://evil.example/"></iframe>
<p>Click <a href="javascript:alert(1)">here</a> <img src=x onerror="alert(2)"> for more.</p>
<p>&lt;script&gt;alert(3)&lt;/script&gt; written as text</p>
"""


@pytest.mark.django_db
def test_hostile_html_never_reaches_a_page_unescaped(http_server, superuser, client):
    body = page("Briefing &lt;script&gt;alert(4)&lt;/script&gt;", extra=HOSTILE)
    http_server.route("/hostile", 200, HTML, body)
    source = source_for(http_server.url("/hostile"), kind=Source.Kind.PAGE)
    imports.source_import(source_id=source.pk)
    statement = Statement.objects.get()
    assert "document.title" not in statement.text
    assert "onerror" not in statement.text and "<iframe" not in statement.text
    assert "<script>alert(4)</script>" in statement.title  # as text, to be shown escaped

    client.force_login(superuser)
    for url in (
        reverse("admin:statements_statement_change", args=[statement.pk]),
        reverse("admin:statements_statement_changelist"),
        reverse("admin:statements_rawitem_changelist"),
    ):
        html = client.get(url).content.decode()
        assert "&lt;script&gt;alert(4)&lt;/script&gt;" in html
        assert "<script>alert(" not in html
        assert "onerror=" not in html and 'href="javascript:' not in html
    assert RawItem.objects.get().statement == statement
