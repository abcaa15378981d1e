"""Statements are searched by their words in the API (?search=), the admin and the dashboards:
full-text with ranking and highlighted snippets on PostgreSQL, icontains on SQLite, and the same
statements found on both for plain word searches (this file runs on both)."""

from __future__ import annotations

import pytest
from django.db import connection

from statements.models import Statement
from statements.search import snippet_html
from tests.statements.factories import StatementFactory

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def corpus() -> dict[str, Statement]:
    return {
        "submarines": StatementFactory(
            title="India and France review submarine co-production",
            text="The two sides reviewed the Scorpene submarines built at Mazagon Dock. "
            "Both welcomed progress on the engine programme.",
        ),
        "engines": StatementFactory(
            title="Jet engine talks",
            text="India and France discussed a jet engine for the next fighter, and maritime "
            "security in the Indian Ocean.",
        ),
        "maritime": StatementFactory(
            title="Maritime dialogue with Japan",
            speaker="Rajnath Singh",
            text="India and Japan held their maritime security dialogue in Tokyo.",
        ),
        "japanese": StatementFactory(
            title="日印防衛相会談",
            text="日本とインドは防衛装備品の共同開発について協議した。",
        ),
        "hostile": StatementFactory(
            title="A statement with markup",
            text="Officials noted <script>alert(1)</script> the drone programme & its costs.",
        ),
    }


def found(api, query: str) -> set[str]:
    response = api.get("/api/statements/", {"search": query})
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("submarine", {"submarines"}),  # "submarines" in the text too: a stem, a substring
        ("maritime security", {"engines", "maritime"}),  # every word, anywhere
        ("France", {"submarines", "engines"}),
        ("rajnath", {"maritime"}),  # the speaker, in any case
        ("drone", {"hostile"}),
        ("防衛", {"japanese"}),  # no spaces between words: matched as a substring on both
        ("frigate", set()),
    ],
)
def test_a_word_search_finds_the_same_statements_on_every_database(
    desk_api, corpus, query, expected
) -> None:
    assert found(desk_api, query) == {corpus[key].title for key in expected}


def test_search_results_carry_a_snippet_with_the_words_marked_and_the_text_escaped(
    desk_api, corpus
) -> None:
    [row] = desk_api.get("/api/statements/", {"search": "drone"}).json()["results"]

    assert "<mark>drone</mark>" in row["search_snippet"]
    # Escaped here, or dropped as a tag by PostgreSQL's parser: never markup.
    assert "<script>" not in row["search_snippet"]
    assert "alert(1)" in row["search_snippet"]
    assert "&amp; its costs" in row["search_snippet"]
    plain = desk_api.get("/api/statements/").json()["results"]
    assert {r["search_snippet"] for r in plain} == {None}


@pytest.mark.skipif(not ON_POSTGRES, reason="ranking is PostgreSQL's full-text search")
def test_a_word_in_the_title_ranks_above_the_same_word_in_the_text(desk_api, corpus) -> None:
    rows = desk_api.get("/api/statements/", {"search": "maritime"}).json()["results"]

    assert [row["title"] for row in rows] == [corpus["maritime"].title, corpus["engines"].title]


def test_the_index_follows_every_write_path(desk_api, corpus) -> None:
    # A queryset update (no save(), no signal): the PostgreSQL trigger still sees it.
    Statement.objects.filter(pk=corpus["engines"].pk).update(text="A note on frigates.")

    assert found(desk_api, "frigate") == {corpus["engines"].title}
    assert corpus["engines"].title not in found(desk_api, "fighter")


def test_a_search_costs_the_same_queries_as_a_plain_list(
    desk_api, corpus, django_assert_num_queries
) -> None:
    # The token and its user (1), its last use stamped (1), permissions (1), the count (1),
    # the page with its names and snippets (1).
    with django_assert_num_queries(5):
        desk_api.get("/api/statements/", {"search": "India"})


def test_a_query_without_words_lists_everything_and_a_long_one_is_a_400(desk_api, corpus) -> None:
    assert len(found(desk_api, "  ,; ")) == len(corpus)
    response = desk_api.get("/api/statements/", {"search": "x" * 201})
    assert response.status_code == 400
    assert "200 characters" in response.json()["search"][0]


def test_an_anonymous_search_is_refused(client, corpus) -> None:
    response = client.get("/api/statements/", {"search": "France"})
    assert response.status_code in (401, 403)
    assert "France" not in response.content.decode()


def test_the_admin_search_uses_the_same_search(superuser, session_for, corpus) -> None:
    page = session_for(superuser).get("/admin/statements/statement/", {"q": "submarine"})

    assert page.status_code == 200
    assert corpus["submarines"].title in page.content.decode()
    assert corpus["engines"].title not in page.content.decode()


def test_the_dashboard_search_box_shows_marked_snippets(desk_staff, session_for, corpus) -> None:
    client = session_for(desk_staff)
    page = client.get("/dashboards/statements/", {"q": "drone"}).content.decode()

    assert "1 statement found" in page
    assert "<mark>drone</mark>" in page
    assert "<script>alert" not in page
    assert 'role="search"' in client.get("/").content.decode()


def test_the_dashboard_search_refuses_an_anonymous_visitor(client, corpus) -> None:
    response = client.get("/dashboards/statements/", {"q": "drone"})
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_snippets_mark_the_words_outside_postgresql() -> None:
    html = snippet_html("Talks on <b>maritime</b> Security", "security maritime")

    assert html == "Talks on &lt;b&gt;<mark>maritime</mark>&lt;/b&gt; <mark>Security</mark>"
