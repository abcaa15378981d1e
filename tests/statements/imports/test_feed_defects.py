"""Feeds and pages the importer used to refuse or misread, each served from 127.0.0.1: legacy
multi-byte encodings, a charset only in the HTTP header, a stray undefined entity, an empty
feed, plain-text content, an item that failed once, decomposed Unicode and page furniture."""

from __future__ import annotations

import unicodedata

import pytest

from partners.models import Country
from partners.reference import reference_load
from statements import imports
from statements.extract import statement_extract
from statements.models import ImportRun, RawItem, Source, Statement
from tests.statements.httpserver import LocalServer
from tests.statements.imports.sources import HTML, page, source_for

# The local test servers may be fetched (the root `local_fetching` fixture).
pytestmark = [pytest.mark.usefixtures("local_fetching"), pytest.mark.django_db]


JA_TITLE = "日本とインドの共同声明"
JA_TEXT = "日本とインドは防衛装備品の共同開発と技術協力を深めることで合意した。" * 3
TEXTS = {
    "shift_jis": (JA_TITLE, JA_TEXT),
    "euc_jp": (JA_TITLE, JA_TEXT),
    "euc_kr": (
        "한국과 인도의 공동 성명",
        "한국과 인도는 방산 협력과 공동 개발을 강화하기로 합의했다. " * 3,
    ),
    "gb2312": ("中国外交部声明", "双方同意加强在国防工业领域的合作与共同研发。" * 3),
    "big5": ("國防部新聞稿", "雙方同意加強國防產業合作與共同研發。" * 3),
}


def feed(title: str, content: str, *, encoding: str | None = "utf-8", extra: str = "") -> str:
    """An RSS feed with one link-less entry, so the statement comes from the entry itself."""
    declaration = f'<?xml version="1.0" encoding="{encoding}"?>' if encoding else ""
    return (
        f'{declaration}{extra}<rss version="2.0"><channel><title>Feed</title>'
        f"<item><title>{title}</title><description>{content}</description>"
        f"<pubDate>Mon, 20 Mar 2023 10:00:00 GMT</pubDate></item></channel></rss>"
    )


def serve(server: LocalServer, body: bytes, content_type: str = "application/rss+xml") -> Source:
    server.route("/feed.xml", 200, {"Content-Type": content_type}, body)
    return source_for(server.url("/feed.xml"))


@pytest.mark.parametrize("encoding", sorted(TEXTS))
def test_feed_in_a_legacy_multibyte_encoding_is_read(http_server, encoding):
    title, text = TEXTS[encoding]
    source = serve(http_server, feed(title, text, encoding=encoding).encode(encoding))

    run = imports.source_import(source_id=source.pk)

    assert (run.status, run.new) == (ImportRun.Status.OK, 1)
    statement = Statement.objects.get()
    assert statement.title == title and text.strip()[:20] in statement.text


def test_feed_charset_only_in_the_http_header_is_honoured(http_server):
    body = feed(JA_TITLE, JA_TEXT, encoding=None).encode("shift_jis")
    source = serve(http_server, body, "application/rss+xml; charset=Shift_JIS")

    imports.source_import(source_id=source.pk)

    assert Statement.objects.get().title == JA_TITLE


@pytest.mark.parametrize("encoding", ["utf-16", "shift_jis", "utf-8"])
@pytest.mark.parametrize(
    ("doctype", "reference"),
    [
        ('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>', "&x;"),
        ('<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>', "&b;"),
    ],
    ids=["external-entity", "entity-expansion"],
)
def test_entity_attacks_are_refused_whatever_the_encoding(
    http_server, encoding, doctype, reference
):
    body = feed(reference, "text", encoding=encoding, extra=doctype).encode(encoding)
    source = serve(http_server, body)

    with pytest.raises(imports.SourceFailed, match="forbidden XML entities"):
        imports.source_import(source_id=source.pk)

    assert not Statement.objects.exists()


def test_one_undefined_entity_does_not_sink_the_feed(http_server):
    source = serve(http_server, feed("India&nbsp;and Japan", JA_TEXT).encode())

    run = imports.source_import(source_id=source.pk)

    assert run.status == ImportRun.Status.OK
    assert Statement.objects.get().title.replace("\xa0", " ") == "India and Japan"
    source.refresh_from_db()
    assert source.failure_count == 0


def test_a_valid_feed_with_no_entries_yet_is_a_quiet_success(http_server):
    body = b'<?xml version="1.0"?><rss version="2.0"><channel></channel></rss>'
    source = serve(http_server, body)

    run = imports.source_import(source_id=source.pk)

    assert (run.status, run.fetched, run.new) == (ImportRun.Status.OK, 0, 0)
    source.refresh_from_db()
    assert source.failure_count == 0 and source.last_error == ""


def test_html_served_as_a_feed_is_still_refused(http_server):
    source = serve(http_server, page("Not a feed"), "text/html")

    with pytest.raises(imports.SourceFailed, match="not an RSS or Atom feed"):
        imports.source_import(source_id=source.pk)


def test_plain_text_feed_content_keeps_its_angle_brackets(http_server):
    body = (
        b'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        b"<title>F</title><entry><id>urn:1</id><title type='text'>Rule A&lt;B&gt;C</title>"
        b"<updated>2023-03-20T10:00:00Z</updated><content type='text'>Clause A&lt;B&gt;C "
        b"applies to both sides.\n\nA second paragraph &amp; more.</content></entry></feed>"
    )
    source = serve(http_server, body, "application/atom+xml")

    imports.source_import(source_id=source.pk)

    statement = Statement.objects.get()
    assert statement.title == "Rule A<B>C"
    assert "Clause A<B>C applies to both sides." in statement.text
    assert "A second paragraph & more." in statement.text


def test_an_item_that_failed_to_parse_is_fetched_again_on_the_next_run(http_server):
    shell = b"<!doctype html><html><head><title>Loading</title></head><body></body></html>"
    http_server.route("/s/1", 200, HTML, shell)
    http_server.route("/s/2", 200, HTML, page("Second", "A different text. " * 10))
    items = "".join(
        f"<item><title>S{n}</title><link>{http_server.url(f'/s/{n}')}</link></item>" for n in (1, 2)
    )
    body = f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>'.encode()
    source = serve(http_server, body)
    first = imports.source_import(source_id=source.pk)
    assert (first.new, first.failed) == (1, 1)
    http_server.route("/s/1", 200, HTML, page("First, now complete"))

    second = imports.source_import(source_id=source.pk)

    assert (second.new, second.duplicate, second.failed) == (1, 1, 0)
    assert [r.path for r in http_server.requests].count("/s/1") == 2
    assert [r.path for r in http_server.requests].count("/s/2") == 1
    raw = RawItem.objects.get(url=http_server.url("/s/1"))
    assert raw.status == RawItem.Status.PARSED and raw.error == ""
    assert raw.statement.title == "First, now complete"


def test_decomposed_unicode_is_stored_once_as_composed_text(http_server):
    reference_load()
    text = (
        "India and Côte d'Ivoire agreed to deepen co-production of patrol vessels and "
        "training. São Tomé observed the talks. "
    ) * 3
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text
    http_server.route("/nfc", 200, HTML, page("Côte d'Ivoire visit", text))
    http_server.route(
        "/nfd", 200, HTML, page(unicodedata.normalize("NFD", "Côte visit"), decomposed)
    )
    items = "".join(
        f"<item><title>x</title><link>{http_server.url(path)}</link></item>"
        for path in ("/nfc", "/nfd")
    )
    source = serve(http_server, f'<rss version="2.0"><channel>{items}</channel></rss>'.encode())

    run = imports.source_import(source_id=source.pk)

    assert (run.new, run.duplicate) == (1, 1)
    statement = Statement.objects.get()
    assert unicodedata.is_normalized("NFC", statement.text)
    statement_extract(statement_id=statement.pk)
    assert Country.objects.get(code="CI") in statement.countries.all()


def test_nfd_text_finds_accented_names(http_server):
    reference_load()
    text = unicodedata.normalize("NFD", "India and Côte d'Ivoire signed a training pact. " * 3)
    http_server.route("/p", 200, HTML, page("Visit", text))
    source = source_for(http_server.url("/p"), kind=Source.Kind.PAGE)
    imports.source_import(source_id=source.pk)

    statement = Statement.objects.get()
    statement_extract(statement_id=statement.pk)

    assert Country.objects.get(code="CI") in statement.countries.all()


def test_the_title_fallback_skips_page_furniture(http_server):
    body = (
        "<html><head><meta charset='utf-8'></head><body><div id='main'>"
        "<p>| Samstag, 2016-10-08 | 14:32 Uhr | Drucken</p>"
        "<p>Deutschland und Indien vereinbaren engere Zusammenarbeit</p>"
        "<p>Berlin und Neu-Delhi wollen bei der gemeinsamen Entwicklung und Produktion enger "
        "zusammenarbeiten. Die Minister unterzeichneten eine Absichtserklärung.</p>"
        "<p>Die Vereinbarung sieht Investitionen deutscher Unternehmen in Indien vor.</p>"
        "</div></body></html>"
    ).encode()
    http_server.route("/p", 200, HTML, body)
    source = source_for(http_server.url("/p"), kind=Source.Kind.PAGE)

    imports.source_import(source_id=source.pk)

    assert (
        Statement.objects.get().title == "Deutschland und Indien vereinbaren engere Zusammenarbeit"
    )
