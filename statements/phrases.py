"""Phrase searches on PostgreSQL, narrowed first by an index of adjacent word pairs.

The full-text GIN index holds no positions, so for `"technology transfer"` it yields every
statement holding both words (a quarter of them in bench/README.md's data) and PostgreSQL
checks each one's vector for the phrase: about 1 s at 200,000 statements. Migration 0016 adds
a GIN index on `statements_lexeme_pairs(search_vector)`: for each two lexemes at adjacent
positions of the stored vector, a key `statements_lexeme_pair(first, second)` (a hash folded
into 2^18 values, so the index stays near the size of the full-text one). A statement that
matches `'technolog' <-> 'transfer'` holds those two lexemes at positions p and p + 1 of the
same vector, so its keys hold that pair's key: requiring the key never drops a match
(a collision only lets a few more statements through), and the phrase check that follows is
the same `@@` as before, so the results are the same.

The pairs are read from PostgreSQL's own parse of the query (`websearch_to_tsquery`), and only
from what every match must satisfy: phrases joined by AND at the top of the query, lexemes
adjacent (`<->`) and exact (no prefix or weight marks). Anything else (OR at the top, NOT,
brackets, gaps left by stop words such as `<2>`) adds no pair.
"""

from __future__ import annotations

import re

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value

# tsquery's text: 'lexeme' (quotes and backslashes doubled) with :*/:ABCD marks, or an operator.
TOKEN = re.compile(r"\s*(?:'((?:[^'\\]|''|\\.)*)'(:[*A-D]+)?|(<->|<\d+>|[&|!()]))")
UNESCAPE = re.compile(r"''|\\(.)")
# A pair in more than this share of the statements is not worth its index: the bitmap of its
# candidates and the phrase check of each cost more than the plain search's plan, which walks
# the newest-first index checking each vector (`"co-development"`, in half the statements:
# 340 ms against 55; bench/README.md). The common pairs: ANALYZE's most common elements of the
# index (of the keys outside them, which is rarest is unknown: the lowest is taken).
COMMON = 0.02
RARITY = """
SELECT key, coalesce(frequency, 0) FROM unnest(ARRAY[{keys}]) AS key
LEFT JOIN (
    SELECT element::text::integer AS element, frequency
    FROM pg_stats, unnest(most_common_elems::text::integer[], most_common_elem_freqs)
        AS common(element, frequency)
    WHERE schemaname = current_schema() AND tablename = 'statement_phrase_idx'
) AS common ON common.element = key
ORDER BY 2, 1 LIMIT 1
"""


def phrase_pairs(tsquery: str) -> list[tuple[str, str]]:
    """The adjacent lexeme pairs that every statement matching `tsquery` (its text form)
    holds; [] when there are none or the text is not understood."""
    tokens: list[tuple[str, str]] = []  # ("lexeme", text) / ("marked", text) / ("op", op)
    at = 0
    while at < len(tsquery.rstrip()):
        found = TOKEN.match(tsquery, at)
        if found is None:
            return []
        lexeme, marks, operator = found.groups()
        if operator is None:
            text = UNESCAPE.sub(lambda m: m.group(1) or "'", lexeme)
            tokens.append(("marked" if marks else "lexeme", text))
        else:
            tokens.append(("op", operator))
        at = found.end()
    pairs: list[tuple[str, str]] = []
    for term in _top_level_and(tokens):
        operands, operators = term[::2], term[1::2]
        if any(kind == "op" for kind, _ in operands) or any(
            kind != "op" or text in "()!|" for kind, text in operators
        ):
            continue  # a bracket or a NOT: not a plain phrase, nothing required of it here
        # A plain chain 'a' <-> 'b' <2> 'c' <-> 'd' nests to the left, and each phrase
        # operator puts its right lexeme at the given distance after its left one.
        for left, operator, right in zip(operands, operators, operands[1:], strict=False):
            if operator == ("op", "<->") and left[0] == right[0] == "lexeme":
                pairs.append((left[1], right[1]))
    return pairs


def _top_level_and(tokens: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The operands of the top-level AND (& binds looser than <->, tighter than |); none when
    the top is an OR, as then no operand is required."""
    terms: list[list[tuple[str, str]]] = [[]]
    depth = 0
    for token in tokens:
        kind, text = token
        depth += (kind, text) == ("op", "(")
        depth -= (kind, text) == ("op", ")")
        if depth == 0 and token == ("op", "|"):
            return []
        if depth == 0 and token == ("op", "&"):
            terms.append([])
        else:
            terms[-1].append(token)
    return terms


def rare_pair(using: str, query: str, config: str) -> int | None:
    """The index key of the rarest pair every match of the websearch `query` holds, or None
    when it has none or even that one is in more than `COMMON` of the statements (then the
    index would give too many candidates: see `COMMON`). Two small queries, only for a query
    with a quoted phrase (a plain word's own full-text index entry is selective enough)."""
    if '"' not in query:
        return None
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT websearch_to_tsquery(%s::regconfig, %s)::text", [config, query])
        pairs = phrase_pairs(cursor.fetchone()[0])
        if not pairs:
            return None
        # A key not among the index's most common elements (ANALYZE's statistics) is rarer
        # than all of them: frequency 0 here. No statistics yet: every key counts as rare.
        keys = ", ".join(["statements_lexeme_pair(%s, %s)"] * len(pairs))
        cursor.execute(RARITY.format(keys=keys), [word for pair in pairs for word in pair])
        key, frequency = cursor.fetchone()
    return key if frequency <= COMMON else None


def phrase_condition(key: int, terms: Func) -> Q:
    """`search_vector @@ terms`, narrowed by the pair index to the statements with `key`."""
    held = Func(F("search_vector"), function="statements_lexeme_pairs")
    wanted = Func(Value(key), template="ARRAY[%(expressions)s]::integer[]")
    contains = Func(
        held, wanted, template="%(expressions)s", arg_joiner=" @> ", output_field=BooleanField()
    )
    # ts_match_vq is what @@ runs, written as a call so that PostgreSQL does not AND the
    # full-text index's bitmap into the pair index's: that bitmap (every statement with both
    # words) cost more than the phrase's few candidates, and marked every row for a recheck
    # that recomputed the pairs of each.
    match = Func(F("search_vector"), terms, function="ts_match_vq", output_field=BooleanField())
    return Q(contains) & Q(match)
