"""Possible duplicate firms and contacts, scored for staff to review and merge.

The whole table is read in one query and compared in Python: rows are put in blocks (same
country, same first word of the name key) and only rows of one block are scored, so the cost
grows with the size of the blocks, not with the square of the table. Two rows that share a
name or an alias (after normalising) are paired wherever their names start.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations

from rapidfuzz import fuzz

from .models import Contact, Firm
from .names import firm_key, name_keys, person_key

THRESHOLD = 85  # rapidfuzz score (0-100) from which two names are worth a look
SHARED_NAME = 100


@dataclass(frozen=True)
class DuplicatePair:
    first_id: int
    second_id: int
    score: int
    reason: str


@dataclass(frozen=True)
class _Row:
    pk: int
    country: int | None
    key: str
    terms: frozenset[str]  # the keys of the name and of every alias


def _rows(values: Iterable[tuple], key: Callable[[str], str]) -> list[_Row]:
    rows = []
    for pk, name, aliases, country in values:
        strings = [alias for alias in aliases or [] if isinstance(alias, str)]
        terms = set(name_keys(name, strings, key))
        rows.append(_Row(pk, country, key(name), frozenset(term for term in terms if term)))
    return rows


def _blocks(rows: list[_Row], words_of: Callable[[str], list[str]]) -> dict[tuple, list[_Row]]:
    blocks: dict[tuple, list[_Row]] = defaultdict(list)
    for row in rows:
        for word in words_of(row.key):
            blocks[(row.country, word)].append(row)
    return blocks


def _pairs(rows: list[_Row], words_of: Callable[[str], list[str]], threshold: int):
    best: dict[tuple[int, int], DuplicatePair] = {}

    def keep(a: _Row, b: _Row, score: int, reason: str) -> None:
        first, second = sorted((a.pk, b.pk))
        found = best.get((first, second))
        if found is None or found.score < score:
            best[(first, second)] = DuplicatePair(first, second, score, reason)

    by_term: dict[tuple, list[_Row]] = defaultdict(list)
    for row in rows:
        for term in row.terms:
            by_term[(row.country, term)].append(row)
    for group in by_term.values():
        for a, b in combinations(group, 2):
            keep(a, b, SHARED_NAME, "same name or alias")
    for block in _blocks(rows, words_of).values():
        for a, b in combinations(block, 2):
            if a.pk == b.pk:
                continue
            score = round(fuzz.token_sort_ratio(a.key, b.key))
            if score >= threshold:
                keep(a, b, score, "similar names")
    return sorted(best.values(), key=lambda pair: (-pair.score, pair.first_id, pair.second_id))


def firm_duplicates(*, threshold: int = THRESHOLD) -> list[DuplicatePair]:
    """Pairs of firms of one country whose names (legal forms, punctuation and case aside)
    are close, or that share a name or an alias; best score first."""
    values = Firm.objects.order_by().values_list("pk", "name", "aliases", "country_id")
    return _pairs(_rows(values, firm_key), lambda key: key.split()[:1], threshold)


def contact_duplicates(*, threshold: int = THRESHOLD) -> list[DuplicatePair]:
    """The same for contacts, whose country is their own or their firm's. People are blocked
    by their first and by their last word, as "S. Jaishankar" and "Subrahmanyam Jaishankar"
    share only the surname."""
    values = [
        (pk, name, aliases, country or firm_country)
        for pk, name, aliases, country, firm_country in Contact.objects.order_by().values_list(
            "pk", "name", "aliases", "country_id", "firm__country_id"
        )
    ]
    rows = _rows(values, person_key)
    return _pairs(rows, lambda key: sorted(set(key.split()[:1] + key.split()[-1:])), threshold)
