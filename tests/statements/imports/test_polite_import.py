"""Polite importing on the local 127.0.0.1 server: a source told to wait (Retry-After) backs off
until then, pages robots.txt disallows are not fetched, and the same feed URL cannot be entered
twice as a source, in the admin or over the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from statements import imports
from statements.candidates import SourceFailed
from statements.models import ImportRun, Source, Statement
from tests.statements.factories import SourceFactory
from tests.statements.httpserver import LocalServer
from tests.statements.imports.sources import HTML, RSS, page, rss, source_for

# The local test servers may be fetched (the root `local_fetching` fixture).
pytestmark = [pytest.mark.usefixtures("local_fetching"), pytest.mark.django_db]


def test_a_source_told_to_retry_after_backs_off_until_then(http_server: LocalServer) -> None:
    http_server.route("/feed", 503, {"Retry-After": "3600"}, b"")
    source = source_for(http_server.url("/feed"))

    with pytest.raises(SourceFailed):
        imports.source_import(source_id=source.pk)

    source.refresh_from_db()
    wait = source.next_run_at - timezone.now()
    assert datetime.timedelta(minutes=59) < wait <= datetime.timedelta(hours=1)
    assert source.failure_count == 1
    assert "Retry-After" in source.last_error
    assert ImportRun.objects.get(source=source).status == ImportRun.Status.FAILED


def test_items_of_a_host_on_hold_are_not_asked_for_and_come_again_later(
    http_server: LocalServer,
) -> None:
    http_server.route("/feed", 200, RSS, rss(http_server, ["/s/1", "/s/2", "/s/3"]))
    http_server.route("/s/1", 429, {"Retry-After": "600"}, b"")
    for path in ("/s/2", "/s/3"):
        http_server.route(path, 200, HTML, page(f"Statement {path}"))
    source = source_for(http_server.url("/feed"))

    run = imports.source_import(source_id=source.pk)

    assert (run.status, run.new, run.failed) == (ImportRun.Status.PARTIAL, 0, 3)
    assert "HTTP 429" in run.errors[0]["error"]
    assert all("left alone until" in error["error"] for error in run.errors[1:])
    assert http_server.paths() == ["/feed", "/s/1"]  # nothing asked after the 429
    assert not Statement.objects.exists()


def test_pages_robots_txt_disallows_are_not_fetched(http_server: LocalServer) -> None:
    http_server.route("/robots.txt", 200, {}, b"User-agent: *\nDisallow: /private/\n")
    index = b"<html><body><a href='/private/a'>A</a> <a href='/public/b'>B</a></body></html>"
    http_server.route("/index", 200, HTML, index)
    for path in ("/private/a", "/public/b"):
        http_server.route(path, 200, HTML, page(f"Statement {path}"))
    source = source_for(http_server.url("/index"), kind=Source.Kind.INDEX)

    run = imports.source_import(source_id=source.pk)

    assert (run.new, run.failed) == (1, 1)
    assert "robots.txt" in run.errors[0]["error"] and "disallows" in run.errors[0]["error"]
    assert "/private/a" not in http_server.paths()


# --- the same feed URL twice ------------------------------------------------------------------

SPELLINGS = ["HTTPS://MOD.Example.ORG/feed/", "https://mod.example.org:443/feed"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_the_api_refuses_a_feed_url_that_is_already_a_source(lead_api, spelling: str) -> None:
    SourceFactory(name="MoD feed", url="https://mod.example.org/feed")

    response = lead_api.post(
        "/api/sources/", {"name": "Again", "kind": "feed", "url": spelling}, format="json"
    )

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert "already exists" in str(response.json()["url"]) and "MoD feed" in str(response.json())
    assert Source.objects.count() == 1


def test_the_api_refuses_moving_a_source_onto_another_ones_url(lead_api) -> None:
    lead_api.post(
        "/api/sources/",
        {"name": "MoD feed", "kind": "feed", "url": "https://mod.example.org/feed"},
        format="json",
    )
    other = lead_api.post(
        "/api/sources/",
        {"name": "MEA feed", "kind": "feed", "url": "https://mea.example.org/feed"},
        format="json",
    ).json()

    moved = lead_api.patch(
        f"/api/sources/{other['id']}/", {"url": "https://MOD.example.org/feed/"}, format="json"
    )
    renamed = lead_api.patch(f"/api/sources/{other['id']}/", {"name": "MEA"}, format="json")

    assert moved.status_code == 400 and "already exists" in str(moved.json()["url"])
    assert renamed.status_code == 200  # its own URL is no duplicate of itself
    assert Source.objects.get(pk=other["id"]).url_normalised == "https://mea.example.org/feed"


def test_the_admin_refuses_a_feed_url_that_is_already_a_source(session_for, superuser) -> None:
    client = session_for(superuser)
    add = reverse("admin:statements_source_add")
    form = {
        "name": "MoD feed",
        "kind": "feed",
        "url": "https://mod.example.org/feed",
        "path": "",
        "is_active": "on",
        "interval_minutes": "360",
        "max_items": "50",
    }

    first = client.post(add, form)
    again = client.post(add, {**form, "name": "Again", "url": SPELLINGS[0]})

    assert first.status_code == 302
    assert again.status_code == 200
    errors = again.context["adminform"].form.errors
    assert "url" in errors and "already exists" in errors["url"][0]
    assert list(Source.objects.values_list("url_normalised", flat=True)) == [
        "https://mod.example.org/feed"
    ]
