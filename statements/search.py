"""Searching statements by their words.

On PostgreSQL: full-text search over a stored `search_vector` (title weighted above speaker,
speaker above text), kept current by a trigger on every insert and update whatever the write
path, GIN-indexed, ranked by `ts_rank`, with highlighted snippets from `ts_headline`. On other
databases (SQLite, the embedded default) and for scripts without spaces between words (Japanese,
Chinese, Korean, which PostgreSQL's parser cannot cut into words): every word must appear in
the title, speaker or text (`icontains`), newest first, with a snippet around the first word.
A quoted phrase on PostgreSQL is first narrowed by an index of adjacent words (phrases.py).

For a plain word search both find the same statements: PostgreSQL matches the word's English
stem ("submarine" finds "submarines"), as a substring match does.

One rule on both: a search takes the newest `RANKED` matches (by publication date, undated
last), ranks only those, and its count stops there with a flag that more matched.
"""

from __future__ import annotations

import re

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connections
from django.db.models import Expression, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Greatest, Lower, StrIndex, Substr
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .phrases import phrase_condition, rare_pair

CONFIG = "english"
# ts_headline marks matches with these control characters, which survive escaping and become
# <mark> only afterwards: the text itself is never trusted as HTML. (A text that holds them
# itself gets a stray <mark>, nothing worse.)
START, STOP = "\x02", "\x03"
SNIPPET_CHARS = 240
# A search lists (and ranks) at most the newest this many matches: 10 pages of the API's 50,
# and a median of 42 ms over 200,000 statements (at 1,000: 50 ms; bench/README.md).
RANKED = 500
WORD = re.compile(r"\w+")
# Han, Hiragana, Katakana, Hangul: no spaces between words, so no words to index.
UNSEGMENTED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def search_words(query: str) -> list[str]:
    return WORD.findall(query)


def statements_search(queryset: QuerySet, query: str) -> QuerySet:
    """`queryset` narrowed to the newest `RANKED` statements matching `query` (by
    `published_on`, undated last, then id), annotated with `search_rank` (higher is better)
    and `search_snippet` (see `snippet_html`), best first; its count stops at `RANKED` and
    says whether more matched (lib/capped.py). Apply it after every other filter: the cap is
    taken of the rows it is given. A query without words leaves the queryset as it is."""
    words = search_words(query)
    if not words:
        return queryset
    if connections[queryset.db].vendor == "postgresql" and not UNSEGMENTED.search(query):
        matches, rank, snippet = _full_text(queryset, query)
    else:
        matches, rank, snippet = _contains(queryset, words)
    # Ranking reads every match's vector: for a word in half the statements that was seconds
    # (bench/README.md). The newest RANKED matches come from the published_on index or the
    # GIN index's few rows, and only they are ranked.
    newest = matches.order_by(F("published_on").desc(nulls_last=True), "-pk").values("pk")
    return (
        queryset.filter(pk__in=newest[:RANKED])
        .annotate(search_rank=rank, search_snippet=snippet)
        .order_by("-search_rank", F("published_on").desc(nulls_last=True), "-pk")
        .counted_as(matches, RANKED)
    )


def _full_text(queryset: QuerySet, query: str) -> tuple[QuerySet, Expression, Expression]:
    # websearch syntax: "quoted phrases", -excluded, or; plain words are all required.
    terms = SearchQuery(query, config=CONFIG, search_type="websearch")
    rank = SearchRank(F("search_vector"), terms)
    # Costly per row, so PostgreSQL computes it after the page's LIMIT: only for its rows.
    snippet = SearchHeadline(
        "text",
        terms,
        config=CONFIG,
        start_sel=START,
        stop_sel=STOP,
        max_words=35,
        min_words=15,
        max_fragments=2,
        fragment_delimiter=" … ",
    )
    key = rare_pair(queryset.db, query, CONFIG)
    if key is not None:  # a rare quoted phrase: its adjacent words' index first (phrases.py)
        return queryset.filter(phrase_condition(key, terms)), rank, snippet
    return queryset.filter(search_vector=terms), rank, snippet


def _contains(queryset: QuerySet, words: list[str]) -> tuple[QuerySet, Expression, Expression]:
    condition = Q()
    for word in words:
        condition &= Q(title__icontains=word) | Q(speaker__icontains=word) | Q(text__icontains=word)
    # The text around the first word's first place in it (or its start, when only the title or
    # speaker holds it), cut in the database so a list never loads whole texts.
    at = StrIndex(Lower("text"), Value(words[0].lower()))
    snippet = Substr("text", Greatest(at - SNIPPET_CHARS // 3, 1), SNIPPET_CHARS)
    # No rank: all tie, so the newest come first.
    return queryset.filter(condition), Value(0.0, output_field=FloatField()), snippet


def snippet_html(snippet: str | None, query: str) -> SafeString:
    """A search snippet as safe HTML: the text escaped, the matches in <mark>. PostgreSQL's
    snippets carry their own match marks; the others are marked here, word by word."""
    if not snippet:
        return mark_safe("")
    if START not in snippet:
        snippet = snippet.replace(STOP, "")
        words = sorted({word.casefold() for word in search_words(query)}, key=len, reverse=True)
        if words:
            pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
            snippet = pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", snippet)
    html = escape(snippet.strip()).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(html)
