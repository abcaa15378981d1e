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

import numpy as np
from django.db import connection

from .models import Statement, StatementBand

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


def stored_candidates(
    keys: set[int], *, per_band: int
) -> dict[int, list[tuple[Statement, np.ndarray]]]:
    """Band key -> the stored statements with that band (newest first), and their signatures."""
    band_rows: list[tuple[int, int]] = []
    ordered = sorted(keys)
    for first in range(0, len(ordered), LOOKUP_CHUNK):
        band_rows += _newest_rows(ordered[first : first + LOOKUP_CHUNK], per_band)
    if not band_rows:
        return {}
    # By key, newest first, as the window gave them: candidates meet in this order, and of
    # equally similar ones the last met wins (stories_group).
    band_rows.sort(key=lambda row: (row[0], -row[1]))
    statements = {
        statement.pk: (statement, np.frombuffer(bytes(statement.minhash), dtype="<u4"))
        for statement in Statement.objects.filter(
            pk__in={pk for _, pk in band_rows}, minhash__isnull=False
        )
        .select_related("story")
        .only("pk", "title", "source_id", "published_on", "story", "minhash")
    }
    found: dict[int, list[tuple[Statement, np.ndarray]]] = {}
    for key, pk in band_rows:
        if pk in statements:
            found.setdefault(key, []).append(statements[pk])
    return found
