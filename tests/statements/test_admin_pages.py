"""Every admin page of the statements app renders for a superuser in a fixed number of queries
(the check: tests/support/admin_pages.py)."""

from __future__ import annotations

import pytest
from django.db.models import Model
from django.utils import timezone

from statements.models import (
    Commitment,
    ImportRun,
    Mention,
    NameCandidate,
    RawItem,
    Source,
    Statement,
    Story,
)
from tests.partners.factories import FirmFactory
from tests.statements.factories import (
    ImportRunFactory,
    MentionFactory,
    SourceFactory,
    StatementFactory,
)
from tests.support.admin_pages import (
    Rows,
    cases,
    page_check,
    shared_japan,
    shared_source,
    shared_statement,
)

# Admins that refuse adding by design (rows come from imports and extraction).
ADD_REFUSED: set[type[Model]] = {Story, ImportRun, RawItem, Mention, Commitment, NameCandidate}


def add_sources(count: int) -> None:
    SourceFactory.create_batch(count, country=shared_japan())


def add_statements(count: int) -> None:
    source, japan = shared_source(), shared_japan()
    for statement in StatementFactory.create_batch(count, source=source):
        statement.countries.add(japan)
        MentionFactory(statement=statement, country=japan)


def add_stories(count: int) -> None:
    """Stories of a lead and a copy each, as grouping at import makes them."""
    source = shared_source()
    for _ in range(count):
        story = Story.objects.create(title="A story", source=source)
        StatementFactory(source=source, story=story)
        StatementFactory(source=source, story=story, is_copy=True)


def add_import_runs(count: int) -> None:
    ImportRunFactory.create_batch(count, source=shared_source(), finished_at=timezone.now())


def add_raw_items(count: int) -> None:
    source = shared_source()
    for statement in StatementFactory.create_batch(count, source=source):
        RawItem.objects.create(
            source=source,
            name=f"{statement.title}.txt",
            body=statement.text.encode(),
            body_hash=statement.content_hash,
            status=RawItem.Status.PARSED,
            statement=statement,
        )


def add_mentions(count: int) -> None:
    MentionFactory.create_batch(count, statement=shared_statement(), country=shared_japan())


def add_statement_commitments(count: int) -> None:
    statement, start = shared_statement(), Commitment.objects.count()
    Commitment.objects.bulk_create(
        Commitment(
            statement=statement,
            phrase="agreed to",
            sentence=f"Both sides agreed to meet {n} times.",
            start=(start + n) * 40,
            end=(start + n) * 40 + 30,
            countries=["IN", "JP"],
        )
        for n in range(count)
    )


def add_name_candidates(count: int) -> None:
    statement, start, japan = shared_statement(), NameCandidate.objects.count(), shared_japan()
    similar = FirmFactory(country=japan)
    NameCandidate.objects.bulk_create(
        NameCandidate(
            statement=statement,
            kind=NameCandidate.Kind.ORGANISATION,
            name=f"Candidate {start + n} Limited",
            sentence="Candidate Limited signed.",
            start=n,
            country=japan,
            similar_firm=similar if n % 2 else None,
        )
        for n in range(count)
    )


ROWS = [
    Rows(Source, add_sources),
    Rows(Statement, add_statements),
    Rows(Story, add_stories),
    Rows(ImportRun, add_import_runs),
    Rows(RawItem, add_raw_items),
    Rows(Mention, add_mentions),
    Rows(Commitment, add_statement_commitments),
    Rows(NameCandidate, add_name_candidates),
]

# Most queries each page may take: what it measured at 200 rows (the same on SQLite and
# PostgreSQL), plus two. The count includes the session and user look-ups and the savepoints of
# ATOMIC_REQUESTS.
BUDGETS: dict[type[Model], tuple[int, int, int, int]] = {
    # model: (changelist, change, add, history)
    Source: (9, 8, 6, 9),
    Statement: (12, 15, 6, 8),
    Story: (12, 12, 7, 9),
    ImportRun: (12, 8, 7, 9),
    RawItem: (12, 8, 7, 9),
    Mention: (9, 9, 7, 8),
    Commitment: (10, 8, 7, 8),
    NameCandidate: (9, 9, 7, 8),
}


@pytest.mark.parametrize(("rows", "page"), cases(ROWS))
def test_admin_page_renders_in_a_query_budget_that_does_not_grow_with_rows(
    rows: Rows, page: str, superuser, session_for, django_assert_max_num_queries
) -> None:
    page_check(
        rows, page, session_for(superuser), BUDGETS, ADD_REFUSED, django_assert_max_num_queries
    )
