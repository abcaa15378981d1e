"""Sources and what they serve, for the import tests: pages and feeds a local server sends,
statement files a folder holds."""

from __future__ import annotations

from pathlib import Path

from statements.models import Source
from tests.statements.httpserver import LocalServer

HTML = {"Content-Type": "text/html; charset=utf-8"}
RSS = {"Content-Type": "application/rss+xml"}

BODY = (
    "India and Japan agreed to deepen co-innovation and co-design in unmanned systems. "
    "Both sides welcomed the investment partnership between their defence industries and "
    "looked forward to the next Defence Industry Forum. "
)


def page(title: str, text: str = BODY, extra: str = "") -> bytes:
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body>"
        f"<nav><a href='/'>Home</a> | <a href='/media'>Media</a> | top of page</nav>"
        f"<article><h1>{title}</h1><p>{text}</p><p>{text}</p>{extra}</article>"
        f"<footer>bottom of page</footer></body></html>"
    ).encode()


def rss(server: LocalServer, paths: list[str], extra: str = "") -> bytes:
    items = "".join(
        f"<item><title>Statement {path}</title><link>{server.url(path)}</link>"
        f"<pubDate>Mon, 20 Mar 2023 10:00:00 GMT</pubDate></item>"
        for path in paths
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?>{extra}<rss version="2.0"><channel>'
        f"<title>Briefings</title><link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


def source_for(url: str, kind: str = Source.Kind.FEED, **fields) -> Source:
    return Source.objects.create(name=f"Source {url}", kind=kind, url=url, **fields)


def folder_source(folder: Path) -> Source:
    return Source.objects.create(name=f"Folder {folder.name}", kind=Source.Kind.FOLDER, path=folder)


TEXT = """India and Japan review defence co-innovation, number {n}

Date: 2026-03-{day:02d}

India and Japan agreed to deepen co-innovation in unmanned systems (item {n}). Japanese
companies were welcome to invest, as defence FDI is completely open in India. Both sides
discussed resilient supply chains and joint exercises between the armed forces.
"""


def statements_write(folder: Path, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        text = TEXT.format(n=n, day=n % 28 + 1)
        (folder / f"statement-{n:04d}.txt").write_text(text, encoding="utf-8")
