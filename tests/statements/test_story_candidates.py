"""The band look-up of story grouping: each key's newest PER_BAND statements, newest first, in
one query per chunk of keys and one for the statements, however many statements share a key."""

from __future__ import annotations

import numpy as np
import pytest

from statements import story_candidates
from statements.models import StatementBand
from statements.story_candidates import stored_candidates
from tests.statements.factories import StatementFactory

pytestmark = pytest.mark.django_db


def signed_statement(value: int):
    return StatementFactory(minhash=np.full(128, value, dtype="<u4").tobytes())


def test_each_key_gives_its_newest_statements_newest_first(django_assert_num_queries) -> None:
    template = [signed_statement(n) for n in range(20)]  # one stock paragraph: a shared key
    other = signed_statement(99)
    unsigned = StatementFactory(minhash=None)
    StatementBand.objects.bulk_create(
        [StatementBand(statement=s, key=7) for s in template]
        + [StatementBand(statement=other, key=-3), StatementBand(statement=unsigned, key=-3)]
    )

    with django_assert_num_queries(2):  # the bands, then their statements
        found = stored_candidates({7, -3, 12345}, per_band=8)

    assert found.by_key[7] == [s.pk for s in reversed(template)][:8]
    assert found.by_key[-3] == [other.pk]  # unsigned ones are no candidates
    assert 12345 not in found.by_key
    row = found.pks.index(other.pk)
    assert found.matrix[row].tolist() == [99] * 128
    with django_assert_num_queries(0):  # made from what the look-up read
        statement = found.statement(other.pk)
    assert (statement.title, statement.source_id, statement.story) == (
        other.title,
        other.source_id,
        None,
    )


def test_a_key_with_fewer_statements_than_the_cap_gives_them_all() -> None:
    first, second = signed_statement(1), signed_statement(2)
    StatementBand.objects.bulk_create(
        [StatementBand(statement=first, key=5), StatementBand(statement=second, key=5)]
    )

    assert stored_candidates({5}, per_band=8).by_key[5] == [second.pk, first.pk]
    assert stored_candidates({5}, per_band=1).by_key[5] == [second.pk]


def test_many_keys_cost_one_query_per_chunk(django_assert_num_queries, monkeypatch) -> None:
    monkeypatch.setattr(story_candidates, "LOOKUP_CHUNK", 3)
    statement = signed_statement(4)
    StatementBand.objects.bulk_create(StatementBand(statement=statement, key=k) for k in range(7))

    with django_assert_num_queries(4):  # 7 keys: 3 chunks, then the statements once
        found = stored_candidates(set(range(7)), per_band=8)

    assert sorted(found.by_key) == list(range(7))
    assert found.pks == [statement.pk]
