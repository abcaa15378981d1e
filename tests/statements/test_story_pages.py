"""A story's copies are shown beside each other: on the statement's admin page and dashboard
page, in the API (story, is_copy), and the overview counts one statement per story."""

from __future__ import annotations

import datetime
import random

import pytest

from tests.statements.factories import SourceFactory
from tests.statements.near_duplicates import copy_with
from tests.statements.test_stories import paragraphs, reloaded, store

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    text = paragraphs(21)
    day = datetime.date(2026, 3, 2)
    ministry, news = SourceFactory(name="Ministry of Defence"), SourceFactory(name="Daily News")
    [lead] = store(ministry, [("Ministry statement on submarines", "\n\n".join(text), day)])
    [copy] = store(
        news,
        [("News report on submarines", "\n\n".join(copy_with(random.Random(1), text, "all")), day)],
    )
    [alone] = store(news, [("Something else entirely", "\n\n".join(paragraphs(22)), day)])
    return reloaded(lead), reloaded(copy), reloaded(alone)


def test_the_admin_page_of_a_copy_shows_the_other_copies(superuser, session_for, story) -> None:
    lead, copy, _ = story
    page = session_for(superuser).get(f"/admin/statements/statement/{copy.pk}/change/")

    html = page.content.decode()
    assert page.status_code == 200
    assert f"/admin/statements/statement/{lead.pk}/change/" in html
    assert "(lead: extracted for the story)" in html
    assert f"/admin/statements/story/{lead.story_id}/change/" in html


def test_the_story_admin_lists_its_statements(superuser, session_for, story) -> None:
    lead, copy, _ = story
    html = session_for(superuser).get(f"/admin/statements/story/{lead.story_id}/change/")
    assert lead.title in html.content.decode() and copy.title in html.content.decode()


def test_the_admin_list_can_hide_copies(superuser, session_for, story) -> None:
    lead, copy, alone = story
    html = session_for(superuser).get("/admin/statements/statement/", {"copies": "no"})
    listed = html.content.decode()
    assert lead.title in listed and alone.title in listed
    assert copy.title not in listed


def test_the_dashboard_statement_page_shows_where_else_it_ran(
    desk_staff, session_for, story
) -> None:
    lead, copy, alone = story
    client = session_for(desk_staff)

    html = client.get(f"/dashboards/statements/{lead.pk}/").content.decode()
    assert "Also carried by" in html and copy.title in html and "Daily News" in html
    assert (
        "Also carried by" not in client.get(f"/dashboards/statements/{alone.pk}/").content.decode()
    )


def test_the_overview_counts_and_lists_one_statement_per_story(
    desk_staff, session_for, story
) -> None:
    lead, copy, alone = story
    html = session_for(desk_staff).get("/").content.decode()

    assert "(2 in all, each story once)" in html
    assert lead.title in html and alone.title in html
    assert copy.title not in html
    assert "also carried by 1 other" in html


def test_the_api_says_which_statements_are_copies(desk_api, story) -> None:
    lead, copy, alone = story
    rows = desk_api.get("/api/statements/", {"is_copy": "false"}).json()["results"]
    assert {row["id"] for row in rows} == {lead.pk, alone.pk}
    rows = desk_api.get("/api/statements/", {"story": lead.story_id}).json()["results"]
    assert {(row["id"], row["is_copy"]) for row in rows} == {(lead.pk, False), (copy.pk, True)}
    assert desk_api.get("/api/statements/", {"is_copy": "maybe"}).status_code == 400
