"""Possible duplicate opportunities: two desks that opened one for the same thing.

Only open opportunities the user may see are read (`visible_to`: their teams' work, restricted
ones only for the cleared; won and lost ones are left out), and of those at most ROWS_READ, the
most recently changed, in three queries: titles, partner countries and source statements
(statements the user may see; a restricted link must not tell its existence through a score).
Everything else is Python:

- Open with open only. A closed opportunity is history: one like it opened later is most often
  a new attempt at lost work, not a twin, and merging an open one into a won or lost one (or
  the reverse) would mix a closed record's reason and dates into live work. So a desk is shown
  pairs of open work only; a closed twin is found by searching the list.
- The cap keeps a page load's read and CPU bounded whatever the table holds (ROWS_READ rows:
  about 0.3 s of comparing, `bench/duplicates_bench.py`); when more were visible the page says
  it shows pairs among the first ROWS_READ (`Found.capped`).

- A title's key is its words, case-folded, accents and punctuation off, small words ("of",
  "with"...) dropped (`partners.names.words`).
- Blocking: a row goes into one block per (partner country, first four letters of a word of its
  title), so "Radar" and "radars" meet; a row without countries goes under country None. Only
  rows of one block are compared. A block larger than FULL_BLOCK is not compared all against
  all: its rows are sorted by key and each is compared with the next WINDOW rows (sorted
  neighbourhood). So no row is compared with more than about FULL_BLOCK others per word, and
  the cost grows with the table, not with its square.
- A pair is kept when rapidfuzz's token-sort ratio of the two keys reaches the threshold AND
  every word of the shorter title has a close counterpart (ratio >= WORD_MATCH) in the other:
  "Radar co-production" and "Sonar co-production" are close as strings but different work.
- The score is that ratio, less SOME_COUNTRIES when the countries only overlap (not the same
  set), plus SHARED_STATEMENT when both cite a statement the user may see, at most 100.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from partners.duplicates import DuplicatePair
from partners.names import words
from statements.models import Statement

from .models import Opportunity

ROWS_READ = 10_000  # open opportunities read per look, the most recently changed first
THRESHOLD = 80  # final score (0-100) from which two opportunities are worth a look
WORD_MATCH = 85  # the same word: "radar"/"radars" score 91, "radar"/"sonar" 60
SOME_COUNTRIES = 5  # taken off when the countries overlap but are not the same set
SHARED_STATEMENT = 10  # added when both cite one statement
FULL_BLOCK = 40
WINDOW = 10
STEM = 4
# A model's hyphen goes, so "P-1" and "P1", "US-2" and "US2" are one word.
_DESIGNATOR = re.compile(r"(?<=[^\W\d_])-(?=\d)")
# Small words carry no subject: "Radar co-production with MHI" is "radar co production mhi".
_SMALL = "a an and at by de for from in into of on or the to with"
SMALL_WORDS = frozenset(_SMALL.split())


@dataclass(frozen=True)
class _Row:
    pk: int
    key: str
    words: tuple[str, ...]
    countries: frozenset[int]
    statements: frozenset[int]


def title_words(title: str) -> tuple[str, ...]:
    """The words of a title that say what it is about."""
    return tuple(word for word in words(_DESIGNATOR.sub("", title)) if word not in SMALL_WORDS)


class Found(list):
    """The pairs, best first; `capped` is ROWS_READ when more open opportunities were visible
    than were read (the pairs are among the most recently changed ROWS_READ)."""

    capped: int | None = None


def _rows(user, limit: int | None = None) -> tuple[list[_Row], bool]:
    """The rows to compare, and whether more were visible than `limit`. One row more than
    the limit is read to tell, and the links are read for the rows kept only."""
    limit = ROWS_READ if limit is None else limit
    chosen = Opportunity.objects.visible_to(user).open().order_by("-updated_at", "-pk")
    titles = list(chosen.values_list("pk", "title")[: limit + 1])
    capped = len(titles) > limit
    titles = titles[:limit]
    # The same rows as a subquery (the index on updated_at, id), not 10,000 parameters.
    visible = chosen.values("pk")[:limit]
    countries: dict[int, set[int]] = defaultdict(set)
    for pk, country in Opportunity.countries.through.objects.filter(
        opportunity__in=visible
    ).values_list("opportunity_id", "country_id"):
        countries[pk].add(country)
    statements: dict[int, set[int]] = defaultdict(set)
    for pk, statement in Opportunity.statements.through.objects.filter(
        opportunity__in=visible, statement__in=Statement.objects.visible_to(user)
    ).values_list("opportunity_id", "statement_id"):
        statements[pk].add(statement)
    rows = []
    for pk, title in titles:
        found = title_words(title)
        if found:
            rows.append(
                _Row(
                    pk,
                    " ".join(found),
                    found,
                    frozenset(countries[pk]),
                    frozenset(statements[pk]),
                )
            )
    return rows, capped


def _blocks(rows: Iterable[_Row]) -> Iterator[list[_Row]]:
    """Each block's rows in key order, so a big block's neighbours are the closest titles."""
    blocks: dict[tuple, list[_Row]] = defaultdict(list)
    for row in rows:
        for stem in {word[:STEM] for word in row.words}:
            for country in row.countries or {None}:
                blocks[(country, stem)].append(row)
    for block in blocks.values():
        yield sorted(block, key=lambda row: row.key)


def compared_with(block_size: int) -> int:
    """How many rows after it, in its block, a row is compared with."""
    return block_size if block_size <= FULL_BLOCK else WINDOW


def _candidates(rows: list[_Row], cutoff: int) -> Iterator[tuple[_Row, _Row]]:
    """Pairs of one block whose token-sort ratio reaches `cutoff`, each once. One rapidfuzz
    call per row and block compares it with the rows after it (in C): a call per pair made
    the page's time Python's overhead."""
    seen: set[tuple[int, int]] = set()
    for block in _blocks(rows):
        keys = [row.key for row in block]
        span = compared_with(len(block))
        for i, a in enumerate(block):
            close = process.extract(
                a.key,
                keys[i + 1 : i + 1 + span],
                scorer=fuzz.token_sort_ratio,
                score_cutoff=cutoff,
                limit=None,
            )
            for _, _, index in close:
                b = block[i + 1 + index]
                ids = (a.pk, b.pk) if a.pk < b.pk else (b.pk, a.pk)
                if ids not in seen:
                    seen.add(ids)
                    yield a, b


def _covered(a: _Row, b: _Row) -> bool:
    """Every word of the shorter title has a close one in the other."""
    shorter, longer = sorted((a.words, b.words), key=len)
    return all(any(fuzz.ratio(word, other) >= WORD_MATCH for other in longer) for word in shorter)


def _scored(a: _Row, b: _Row, threshold: int) -> DuplicatePair | None:
    shared = bool(a.statements & b.statements)
    # Most candidates are far apart: rapidfuzz answers 0 below the cut-off, and nothing else
    # is worked out for them (the page's cost is in this line).
    cutoff = threshold - (SHARED_STATEMENT if shared else 0)
    score = round(fuzz.token_sort_ratio(a.key, b.key, score_cutoff=cutoff))
    if not score:
        return None
    reasons = ["similar titles"]
    if a.countries != b.countries:
        score -= SOME_COUNTRIES
        reasons.append("overlapping countries")
    else:
        reasons.append("same countries" if a.countries else "no countries")
    if shared:
        score += SHARED_STATEMENT
        reasons.append("a shared statement")
    score = min(score, 100)
    if score < threshold or not _covered(a, b):
        return None
    first, second = sorted((a.pk, b.pk))
    return DuplicatePair(first, second, score, ", ".join(reasons))


def pairs_found(rows: list[_Row], threshold: int = THRESHOLD) -> list[DuplicatePair]:
    """The pairs among `rows`, best score first (the finder's Python part, for bench/)."""
    # No bonus lifts a pair by more than SHARED_STATEMENT: below that, it cannot be one.
    candidates = _candidates(rows, threshold - SHARED_STATEMENT)
    found = (_scored(a, b, threshold) for a, b in candidates)
    pairs = [pair for pair in found if pair is not None]
    return sorted(pairs, key=lambda pair: (-pair.score, pair.first_id, pair.second_id))


def opportunity_duplicates(*, user, threshold: int = THRESHOLD, limit: int | None = None) -> Found:
    """Pairs of open opportunities `user` may see whose partner countries are the same or
    overlap and whose titles are close; best score first, among the `limit` most recently
    changed (None: ROWS_READ; `capped` says when there were more)."""
    limit = ROWS_READ if limit is None else limit
    rows, capped = _rows(user, limit)
    found = Found(pairs_found(rows, threshold))
    found.capped = limit if capped else None
    return found
