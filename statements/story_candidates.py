"""The stored statements a batch of new ones may repeat: for each of the batch's band keys, the
newest PER_BAND statements sharing it (see stories.py), with their signatures.

A window (ROW_NUMBER() per key) read every row of every key before keeping the newest few:
statements written from one template share bands by the thousand, so each batch read them
all. Here each key's cut-off (its PER_BAND-th newest statement) is one seek in the (key,
statement) index, and only the rows above it are read: a batch reads at most PER_BAND rows a
key, however many statements share it. Plain SQL, the same on SQLite and PostgreSQL: the ORM
has no VALUES list to join. One query per LOOKUP_CHUNK keys, then one for the statements.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from .models import Statement, StatementBand, Story

# Keys per band look-up: well inside SQLite's limit on a query's parameters.
LOOKUP_CHUNK = 4000


def _newest_rows(keys: list[int], per_band: int) -> list[tuple[int, int]]:
    """(key, statement id) of the newest `per_band` statements of each key."""
    quote = connection.ops.quote_name
    table = quote(StatementBand._meta.db_table)
    key, statement = quote("key"), quote(StatementBand._meta.get_field("statement").column)
    values = ", ".join(["(CAST(%s AS BIGINT))"] * len(keys))
    sql = (
        f"WITH wanted (band) AS (VALUES {values}), "
        f"cut (band, low) AS (SELECT band, COALESCE((SELECT {statement} FROM {table} "
        f"WHERE {key} = wanted.band ORDER BY {statement} DESC LIMIT 1 OFFSET %s), 0) "
        f"FROM wanted) "
        f"SELECT b.{key}, b.{statement} FROM cut JOIN {table} b "
        f"ON b.{key} = cut.band AND b.{statement} >= cut.low"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*keys, per_band - 1])
        return cursor.fetchall()


@dataclass
class Stored:
    """The stored candidates of a batch: each band key's statement ids (newest first), every
    signature a row of one matrix, and the few fields grouping reads of a statement and its
    story, made into instances only for the statements a copy joins: a batch of a template's
    statements meets thousands of candidates, and an instance each cost more than the rest."""

    by_key: dict[int, list[int]] = field(default_factory=dict)
    pks: list[int] = field(default_factory=list)  # the matrix's rows
    matrix: np.ndarray = field(default_factory=lambda: np.empty((0, 0), np.uint32))
    fields: dict[int, tuple] = field(default_factory=dict)
    made: dict[int, Statement] = field(default_factory=dict)

    def statement(self, pk: int) -> Statement:
        if (found := self.made.get(pk)) is None:
            title, source_id, published_on, story_id, *story = self.fields[pk]
            found = Statement(pk=pk, title=title, source_id=source_id, published_on=published_on)
            if story_id:
                found.story = Story(
                    pk=story_id, title=story[0], source_id=story[1], published_on=story[2]
                )
            self.made[pk] = found
        return found


def stored_candidates(keys: set[int], *, per_band: int) -> Stored:
    """The stored statements with the batch's band keys: the newest `per_band` of each key."""
    band_rows: list[tuple[int, int]] = []
    ordered = sorted(keys)
    for first in range(0, len(ordered), LOOKUP_CHUNK):
        band_rows += _newest_rows(ordered[first : first + LOOKUP_CHUNK], per_band)
    found = Stored()
    if not band_rows:
        return found
    signatures = []
    for pk, minhash, *fields in Statement.objects.filter(
        pk__in={pk for _, pk in band_rows}, minhash__isnull=False
    ).values_list(
        "pk",
        "minhash",
        "title",
        "source_id",
        "published_on",
        "story_id",
        "story__title",
        "story__source_id",
        "story__published_on",
    ):
        found.pks.append(pk)
        signatures.append(bytes(minhash))
        found.fields[pk] = tuple(fields)
    found.matrix = np.frombuffer(b"".join(signatures), dtype="<u4").reshape(len(signatures), -1)
    # By key, newest first, as the window gave them: candidates meet in this order, and of
    # equally similar ones the last met wins (stories_group).
    band_rows.sort(key=lambda row: (row[0], -row[1]))
    for key, pk in band_rows:
        if pk in found.fields:
            found.by_key.setdefault(key, []).append(pk)
    return found
