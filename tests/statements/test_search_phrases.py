"""A quoted phrase on PostgreSQL is narrowed first by the index of adjacent word pairs
(statements/phrases.py) and finds exactly what the full-text match alone finds; the pairs are
read only from what every match must hold. The parsing tests run on every database."""

from __future__ import annotations

import pytest
from django.contrib.postgres.search import SearchQuery
from django.db import connection

from statements.models import Statement
from statements.phrases import phrase_pairs, rare_pair
from tests.statements.factories import StatementFactory

ON_POSTGRES = connection.vendor == "postgresql"
postgres_only = pytest.mark.skipif(not ON_POSTGRES, reason="PostgreSQL's full-text search")


@pytest.mark.parametrize(
    ("tsquery", "pairs"),
    [
        ("'technolog' <-> 'transfer'", [("technolog", "transfer")]),
        ("'a' <-> 'b' <2> 'c' <-> 'd' & 'e'", [("a", "b"), ("c", "d")]),  # <2>: a stop word
        ("'a' <-> 'b' & !'c'", [("a", "b")]),
        ("'it''s' <-> 'a\\\\b'", [("it's", "a\\b")]),  # quotes and backslashes doubled
        ("'transfer' <3> 'technolog' & 'drone'", []),
        ("'a' <-> 'b' | 'c' <-> 'd'", []),  # an OR at the top: neither phrase is required
        ("!( 'maritim' <-> 'secur' ) & 'x'", []),  # a phrase excluded
        ("'a' <-> ( 'b' <-> 'c' )", []),  # brackets: left alone
        ("'a':* <-> 'b'", []),  # a prefix: no exact pair
        ("'a':B <-> 'b'", []),
        ("'submarin'", []),
        ("not a tsquery", []),
    ],
)
def test_only_the_pairs_every_match_must_hold_are_required(tsquery, pairs) -> None:
    assert phrase_pairs(tsquery) == pairs


@pytest.fixture
def texts() -> dict[str, Statement]:
    rows = {
        "adjacent": ("Talks", "They agreed on technology transfer for the engines."),
        "inflected": ("Talks", "Technologies transferred last year were reviewed."),
        "apart": ("Talks", "Technology was discussed; the transfer came later."),
        "reversed": ("Talks", "A transfer of technology was agreed."),
        "gap": ("Talks", "The transfer new technology deal was signed."),
        "across": ("Technology", "transfer was the first topic of the visit."),
        "maritime": ("Dialogue", "Maritime security in the Indian Ocean."),
    }
    return {key: StatementFactory(title=title, text=text) for key, (title, text) in rows.items()}


def found(api, query: str) -> set[int]:
    response = api.get("/api/statements/", {"search": query})
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def matched(query: str) -> set[int]:
    """What the full-text match alone finds, without the pair index."""
    terms = SearchQuery(query, config="english", search_type="websearch")
    return set(Statement.objects.filter(search_vector=terms).values_list("pk", flat=True))


@postgres_only
@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        '"technology transfer"',
        '"transfer of technology"',  # a stop word: no pair, the match alone decides
        '"technology transfer" engines',
        '"technology transfer" -engines',
        '"technology transfer" or "maritime security"',
        '-"technology transfer" talks',
        '"maritime security" "indian ocean"',
        '"ocean maritime"',
    ],
)
def test_a_phrase_finds_what_the_full_text_match_alone_finds(desk_api, texts, query) -> None:
    assert found(desk_api, query) == matched(query)


@postgres_only
@pytest.mark.django_db
def test_a_phrase_matches_its_words_adjacent_in_any_form_and_across_title_and_text(
    desk_api, texts
) -> None:
    expected = {texts[key].pk for key in ("adjacent", "inflected", "across")}

    assert found(desk_api, '"technology transfer"') == expected


@postgres_only
@pytest.mark.django_db
def test_the_pair_index_serves_a_phrase(texts) -> None:
    from statements.search import statements_search

    matches = statements_search(Statement.objects.all(), '"technology transfer"')
    sql, params = matches.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a handful of rows: force the choice
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "statement_phrase_idx" in plan
    assert "statement_search_idx" not in plan  # its bitmap cost more than it saved


@postgres_only
@pytest.mark.django_db
def test_a_phrase_search_costs_two_queries_more_than_a_word_search(
    desk_api, texts, django_assert_num_queries
) -> None:
    # The token and its user, its last use, permissions, the query's parse (for its pairs),
    # the pairs' keys and how common they are, the count, the page.
    with django_assert_num_queries(7):
        desk_api.get("/api/statements/", {"search": '"technology transfer"'})


@postgres_only
@pytest.mark.django_db
def test_a_phrase_in_many_statements_is_searched_without_the_pair_index(desk_api, texts) -> None:
    for number in range(40):
        StatementFactory(title=f"Visit {number}", text="The prime minister spoke at length.")
    for number in range(160):  # so that the 3 on technology transfer are under 2% of them
        StatementFactory(title=f"Note {number}", text=f"Filed as item {number}.")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")  # the index's most common pairs

    assert rare_pair("default", '"prime minister"', "english") is None  # in 20% of them
    assert rare_pair("default", '"technology transfer"', "english") is not None
    assert rare_pair("default", "technology transfer", "english") is None  # no phrase
    assert found(desk_api, '"prime minister"') == matched('"prime minister"')
    assert len(matched('"prime minister"')) == 40
