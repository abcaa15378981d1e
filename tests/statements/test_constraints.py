"""Every invariant of the statements app is refused twice: by the database, and by `full_clean()`
with a message a person can act on (it is what the admin shows; the checks:
tests/support/constraints.py)."""

from __future__ import annotations

import pytest

from statements.models import Mention, Statement
from tests.partners.factories import (
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
)
from tests.statements.factories import MentionFactory, SourceFactory, StatementFactory
from tests.support.constraints import (
    assert_clear,
    full_clean_error,
    refused_by_database,
    refused_by_full_clean,
)

pytestmark = pytest.mark.django_db

# Statements: mentions, content hash, canonical URL


def test_mention_must_end_after_it_starts() -> None:
    statement = StatementFactory()

    refused_by_database(lambda: MentionFactory(statement=statement, start=5, end=5))
    refused_by_database(lambda: MentionFactory(statement=statement, start=5, end=4))
    mention = MentionFactory(statement=statement, start=5, end=10)
    refused_by_database(lambda: Mention.objects.filter(pk=mention.pk).update(end=0))

    refused_by_full_clean(MentionFactory.build(statement=statement, start=8, end=8))


def test_mention_that_ends_before_it_starts_is_explained_by_full_clean() -> None:
    error = full_clean_error(MentionFactory.build(statement=StatementFactory(), start=8, end=3))

    assert_clear(error, "end")


def test_a_mention_is_unique_per_statement_span_and_entity() -> None:
    statement = StatementFactory()
    japan = CountryFactory(code="JP")
    MentionFactory(statement=statement, country=japan, start=0, end=5)

    refused_by_database(lambda: MentionFactory(statement=statement, country=japan, start=0, end=5))

    # Another entity, another kind or another statement at the same span is a mention of its own.
    MentionFactory(statement=statement, country=CountryFactory(code="FR"), start=0, end=5)
    MentionFactory(
        statement=statement,
        kind=Mention.Kind.AREA,
        country=None,
        area=InvestmentAreaFactory(),
        start=0,
        end=5,
    )
    MentionFactory(statement=StatementFactory(), country=japan, start=0, end=5)
    error = full_clean_error(
        MentionFactory.build(statement=statement, country=japan, start=0, end=5)
    )
    assert_clear(error, "already exists")


def test_a_policy_phrase_is_stored_once_per_span() -> None:
    statement = StatementFactory()
    MentionFactory(statement=statement, kind=Mention.Kind.POLICY, country=None, start=0, end=3)

    refused_by_database(
        lambda: MentionFactory(
            statement=statement, kind=Mention.Kind.POLICY, country=None, start=0, end=3
        )
    )


def test_a_mention_names_the_entity_its_kind_says() -> None:
    statement = StatementFactory()
    japan = CountryFactory(code="JP")

    refused_by_database(lambda: MentionFactory(statement=statement, country=None))
    refused_by_database(lambda: MentionFactory(statement=statement, kind=Mention.Kind.AREA))
    refused_by_database(
        lambda: MentionFactory(statement=statement, kind=Mention.Kind.POLICY, country=japan)
    )
    refused_by_database(
        lambda: MentionFactory(statement=statement, country=japan, firm=FirmFactory())
    )

    error = full_clean_error(
        MentionFactory.build(statement=statement, kind=Mention.Kind.FIRM, country=japan)
    )
    assert_clear(error, "exactly the entity")


def test_statement_content_hash_is_unique() -> None:
    StatementFactory(content_hash="a" * 64)

    refused_by_database(lambda: StatementFactory(content_hash="a" * 64))

    error = full_clean_error(StatementFactory.build(source=SourceFactory(), content_hash="a" * 64))
    assert_clear(error, "already exists")


def test_statement_canonical_url_is_unique_when_set() -> None:
    StatementFactory(canonical_url="https://mea.gov.in/statement/1")

    refused_by_database(lambda: StatementFactory(canonical_url="https://mea.gov.in/statement/1"))

    StatementFactory.create_batch(2, canonical_url="")
    assert Statement.objects.filter(canonical_url="").count() == 2
    refused_by_full_clean(
        StatementFactory.build(
            source=SourceFactory(), canonical_url="https://mea.gov.in/statement/1"
        )
    )


def test_duplicate_canonical_url_is_explained_by_full_clean() -> None:
    StatementFactory(canonical_url="https://mea.gov.in/statement/1")

    error = full_clean_error(
        StatementFactory.build(
            source=SourceFactory(), canonical_url="https://mea.gov.in/statement/1"
        )
    )

    assert_clear(error, "url")
