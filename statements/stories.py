"""Grouping near-duplicate statements into stories, at import.

The same announcement reaches a desk from a ministry, an embassy and three news sites, each
copy trimmed, re-headlined or wrapped in its site's boilerplate: the content hash (services.py)
only catches exact copies. Each statement's text is cut into word shingles and summarised by a
MinHash signature (datasketch); the signature's bands, hashed, are kept in StatementBand, so
that a copy finds the statements it may repeat by an indexed look-up, in this batch or one
imported a week before (locality-sensitive hashing). A candidate joins when the signatures
estimate a Jaccard similarity of at least THRESHOLD (chosen in bench/story_eval.py).

A story keeps its earliest source and date; its lead is the statement stored first (it may
already be extracted), and only the lead is extracted and proposed from: copies link to the
story and are shown beside it. A batch costs a fixed number of queries whatever its size.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import cache

import numpy as np
from datasketch import MinHash
from django.conf import settings

from lib.rows import rows_insert, rows_update

from .models import Statement, StatementBand, Story
from .story_candidates import stored_candidates

NUM_PERM = 128
# 32 bands of 4 rows: statements estimated above ~0.42 similar are very likely (0.9 at 0.5)
# to share a band and be compared; far fewer below. THRESHOLD then decides on the estimate.
BANDS, ROWS = 32, 4
THRESHOLD = 0.5
SHINGLE_WORDS = 3
# Statements taken per band: the newest ones sharing it. Joining any copy of a story joins the
# story, so a band shared by a story's sixty copies needs only a few of them; and statements
# written from one template (a ministry's stock paragraphs) share bands by the hundred, which
# would make each look-up load them all and compare with each: work that grows with the table.
PER_BAND = 8
WORD = re.compile(r"\w+")


@cache
def _permutations() -> tuple:
    # The permutations follow from the seed: the same in every process, so signatures stored
    # by one worker compare with another's.
    return MinHash(num_perm=NUM_PERM, seed=1, scheme="affine32").permutations


def signature(text: str) -> np.ndarray | None:
    """The MinHash signature (NUM_PERM uint32) of the text's word shingles, case, accents'
    Unicode form and punctuation ignored; None for a text without words."""
    words = WORD.findall(unicodedata.normalize("NFC", text).casefold())
    if not words:
        return None
    width = min(SHINGLE_WORDS, len(words))
    # Each shingle's CRC-32, repeats left in: a minimum is the same with them, and hashing a
    # repeat costs less than a set of the strings did. (The shifted lists end unevenly: zip stops
    # at the last whole shingle.)
    crc = zlib.crc32
    hashes = [
        crc(" ".join(shingle).encode())
        for shingle in zip(*(words[i:] for i in range(width)), strict=False)
    ]
    minhash = MinHash(
        num_perm=NUM_PERM, scheme="affine32", permutations=_permutations(), hashfunc=int
    )
    minhash.update_batch(hashes)
    return minhash.hashvalues.astype(np.uint32)


def signature_bytes(values: np.ndarray) -> bytes:
    return values.astype("<u4").tobytes()


def signature_from_bytes(data: bytes | memoryview) -> np.ndarray:
    return np.frombuffer(bytes(data), dtype="<u4")


def band_keys(values: np.ndarray) -> list[int]:
    """One signed 64-bit key per band (the band's number in it, so bands never collide)."""
    raw = values.astype("<u4").tobytes()
    width = ROWS * 4
    return [
        int.from_bytes(
            hashlib.blake2b(
                bytes([band]) + raw[band * width : (band + 1) * width], digest_size=8
            ).digest(),
            "big",
            signed=True,
        )
        for band in range(BANDS)
    ]


def similarity(first: np.ndarray, second: np.ndarray) -> float:
    """The signatures' estimate of the texts' Jaccard similarity."""
    return float(np.count_nonzero(first == second)) / NUM_PERM


@dataclass
class _Group:
    """Statements found to be one story: a stored one (with or without its story yet) and the
    new ones joining it, or new ones only."""

    story_id: int | None = None
    stored: Statement | None = None
    new: list[Statement] = field(default_factory=list)


def stories_group(*, statements: list[Statement]) -> None:
    """Before `statements` (new, unsaved) are inserted: give each its signature and, where it
    repeats a stored statement or an earlier one of the batch, its story and copy mark; the
    stories are created or updated here. Three to five queries, whatever the batch's size.
    Nothing (no signature, so no bands either) when STATEMENTS_GROUP_STORIES is off."""
    if not settings.STATEMENTS_GROUP_STORIES:
        return
    signed = [(s, sig) for s in statements if (sig := signature(s.text)) is not None]
    for statement, sig in signed:
        statement.minhash = signature_bytes(sig)
    keys = {id(statement): band_keys(sig) for statement, sig in signed}
    stored = stored_candidates({key for each in keys.values() for key in each}, per_band=PER_BAND)
    # Every candidate's signature a row of one matrix (the stored ones, then the batch's as
    # they come), so that a statement meets all its candidates in one comparison. A row's
    # candidate is a stored statement's id or a new Statement.
    pool: list = list(stored.pks)
    matrix = np.empty((len(pool) + len(signed), NUM_PERM), np.uint32)
    matrix[: len(pool)] = stored.matrix.reshape(len(pool), NUM_PERM)
    row_of = {pk: row for row, pk in enumerate(pool)}
    stored_rows = {key: [row_of[pk] for pk in pks] for key, pks in stored.by_key.items()}
    groups: dict[tuple, _Group] = {}
    group_of: dict[int, tuple] = {}  # id() of a new statement -> its group's key
    new_by_key: dict[int, list[int]] = {}
    for statement, sig in signed:
        # Each candidate compared once, however many bands it shares.
        rows = list(
            dict.fromkeys(
                row
                for key in keys[id(statement)]
                for row in (*stored_rows.get(key, ()), *new_by_key.get(key, ())[-PER_BAND:])
            )
        )
        best = _best(pool, matrix, rows, sig)
        if isinstance(best, int):
            best = stored.statement(best)
        if best is None:
            group_key = ("new", id(statement))
            groups[group_key] = _Group()
        elif best.pk is None:  # an earlier statement of this batch
            group_key = group_of[id(best)]
        else:
            group_key = ("story", best.story_id) if best.story_id else ("stored", best.pk)
            groups.setdefault(group_key, _Group(story_id=best.story_id, stored=best))
        groups[group_key].new.append(statement)
        group_of[id(statement)] = group_key
        row = len(pool)
        pool.append(statement)
        matrix[row] = sig
        for key in keys[id(statement)]:
            new_by_key.setdefault(key, []).append(row)
    _stories_write([group for group in groups.values() if group.stored or len(group.new) > 1])


def _best(pool: list, matrix: np.ndarray, rows: list[int], sig) -> Statement | int | None:
    """The candidate most similar to `sig` (a stored statement's id, or a new Statement), at
    THRESHOLD or above; of equals, the last (as a loop keeping each score >= the best would)."""
    if not rows:
        return None
    agreeing = np.count_nonzero(matrix[rows] == sig, axis=1)
    top = int(agreeing.max())
    if top / NUM_PERM < THRESHOLD:
        return None
    return pool[rows[len(rows) - 1 - int(np.argmax(agreeing[::-1] == top))]]


def _earliest(statements: list[Statement]) -> Statement:
    """The first published (undated ones last); the first stored among equals."""
    return min(
        enumerate(statements),
        key=lambda pair: (pair[1].published_on is None, pair[1].published_on or 0, pair[0]),
    )[1]


def _stories_write(groups: list[_Group]) -> None:
    """Create the new stories and move the old ones' earliest copy where a joining statement
    was published before it; mark every new member. Three queries at most."""
    creating: list[Story] = []
    changed: list[Story] = []
    for group in groups:
        if group.story_id:
            story = group.stored.story
            # Listed first, the stored story wins a tie: it was published and stored first.
            standing = _story_as_statement(story)
            first = _earliest([standing, *group.new])
            if first is not standing:
                _story_describe(story, first)
                changed.append(story)
        else:
            members = [group.stored, *group.new] if group.stored else group.new
            story = _story_describe(Story(), _earliest(members))
            creating.append(story)
        group.story = story
    Story.objects.bulk_create(creating)
    if changed:
        Story.objects.bulk_update(changed, ["title", "source", "published_on"])
    for group in groups:
        # A stored statement stays the lead: it may be extracted and proposed from already.
        lead = group.stored or _earliest(group.new)
        for statement in group.new:
            statement.story = group.story
            statement.is_copy = statement is not lead
    rows_update(
        Statement,
        ["story"],
        [
            (group.story.pk, group.stored.pk)
            for group in groups
            if group.stored and not group.story_id
        ],
    )


def _story_describe(story: Story, first: Statement) -> Story:
    story.title, story.source_id = first.title[:500], first.source_id
    story.published_on = first.published_on
    return story


def _story_as_statement(story: Story) -> Statement:
    # The story's earliest copy as a stand-in, to compare dates with the joining ones.
    return Statement(title=story.title, source_id=story.source_id, published_on=story.published_on)


def story_bands_store(*, statements: list[Statement]) -> None:
    """After `statements` are inserted: keep their bands, for later copies to find them."""
    rows_insert(
        StatementBand,
        ["statement", "key"],
        (
            (statement.pk, key)
            for statement in statements
            if statement.minhash is not None
            for key in band_keys(signature_from_bytes(statement.minhash))
        ),
    )


def story_signature_refresh(*, statement: Statement) -> None:
    """A statement parsed again: its signature and bands follow its new text (its story stays,
    as extraction and suggestions were made from the story as it was)."""
    sig = signature(statement.text) if settings.STATEMENTS_GROUP_STORIES else None
    statement.minhash = None if sig is None else signature_bytes(sig)
    Statement.objects.filter(pk=statement.pk).update(minhash=statement.minhash)
    StatementBand.objects.filter(statement=statement).delete()
    story_bands_store(statements=[statement])
