"""Near-duplicate statements are grouped into one story at import: the story keeps its earliest
source, only its lead is extracted and proposed from, every copy links to it, and a copy stored
a week later (another batch) still finds it. A batch costs a fixed number of queries."""

from __future__ import annotations

import datetime
import random

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partners.reference import reference_load
from statements import imports, stories
from statements.extract import statements_extract
from statements.models import RawItem, Source, Statement, StatementBand, Story
from statements.parse import ParsedStatement
from statements.services import statement_store, statements_store
from statements.signals import statement_extracted
from tests.statements.factories import SourceFactory
from tests.statements.near_duplicates import announcement, copy_with, near_duplicate_set

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime.date(2026, 3, 1)


def paragraphs(seed: int, partner: str = "Japan", area: str = "submarine co-production"):
    return announcement(random.Random(seed), partner, area)


def store(source: Source, items: list[tuple[str, str, datetime.date | None]]) -> list[Statement]:
    """Store (title, text, date) items as one import batch, as imports._Batch does."""
    batch = []
    for number, (title, text, published_on) in enumerate(items):
        raw = RawItem.objects.create(
            source=source, body=text.encode(), body_hash=f"{source.pk}-{number}-{title}"[:64]
        )
        parsed = ParsedStatement(title=title, text=text, published_on=published_on)
        batch.append((raw, parsed))
    return [statement for statement, _ in statements_store(parsed=batch)]


def reloaded(statement: Statement) -> Statement:
    return Statement.objects.select_related("story").get(pk=statement.pk)


def test_an_edited_copy_from_another_source_joins_the_story_of_the_first() -> None:
    ministry, news = SourceFactory(name="Ministry"), SourceFactory(name="News site")
    text = paragraphs(1)
    [first] = store(ministry, [("India and Japan talks", "\n\n".join(text), FIRST_DAY)])
    copy_text = "\n\n".join(copy_with(random.Random(2), text, "all"))
    [copy] = store(news, [("Japan ties: submarines on the agenda", copy_text, FIRST_DAY)])

    first, copy = reloaded(first), reloaded(copy)
    assert first.story == copy.story is not None
    assert (first.is_copy, copy.is_copy) == (False, True)
    assert (first.story.source, first.story.title) == (ministry, "India and Japan talks")
    assert list(first.story.statements.order_by("pk")) == [first, copy]


def test_a_statement_alone_has_no_story_and_different_ones_on_one_topic_stay_apart() -> None:
    source = SourceFactory()
    stored = store(
        source,
        [(f"Talks {seed}", "\n\n".join(paragraphs(seed)), FIRST_DAY) for seed in (10, 11, 12)],
    )

    assert [reloaded(s).story for s in stored] == [None, None, None]
    assert not Story.objects.exists()
    assert StatementBand.objects.count() == 3 * stories.BANDS


def test_the_story_keeps_its_earliest_source_when_an_earlier_copy_arrives_later() -> None:
    news, ministry = SourceFactory(name="News site"), SourceFactory(name="Ministry")
    text = paragraphs(3)
    [late] = store(
        news, [("Carried", "\n\n".join(copy_with(random.Random(4), text, "trimmed")), FIRST_DAY)]
    )
    [early] = store(
        ministry, [("Announced", "\n\n".join(text), FIRST_DAY - datetime.timedelta(days=2))]
    )

    story = reloaded(late).story
    assert story == reloaded(early).story
    assert (story.source, story.title, story.published_on) == (
        ministry,
        "Announced",
        FIRST_DAY - datetime.timedelta(days=2),
    )
    # The lead stays the statement stored first: it may have been extracted already.
    assert (reloaded(late).is_copy, reloaded(early).is_copy) == (False, True)

    third = SourceFactory(name="Embassy")
    [again] = store(
        third,
        [("Embassy note", "\n\n".join(copy_with(random.Random(5), text, "boilerplate")), None)],
    )
    story.refresh_from_db()
    assert reloaded(again).story == story and reloaded(again).is_copy
    assert story.source == ministry  # an undated copy never counts as the earliest


def test_copies_within_one_batch_form_a_story_led_by_the_earliest() -> None:
    source = SourceFactory()
    text = paragraphs(6)
    stored = store(
        source,
        [
            ("Copy", "\n\n".join(copy_with(random.Random(7), text, "reordered")), FIRST_DAY),
            ("Original", "\n\n".join(text), FIRST_DAY - datetime.timedelta(days=1)),
            ("Other", "\n\n".join(paragraphs(8)), FIRST_DAY),
        ],
    )

    copy, original, other = (reloaded(s) for s in stored)
    assert copy.story == original.story is not None
    assert (original.is_copy, copy.is_copy) == (False, True)
    assert original.story.title == "Original"
    assert other.story is None


def test_a_copy_stored_alone_finds_its_story_too() -> None:
    # statement_store, the one-at-a-time path of pastes and of a batch that raced a worker.
    source = SourceFactory()
    text = paragraphs(9)
    [first] = store(source, [("First", "\n\n".join(text), FIRST_DAY)])
    raw = RawItem.objects.create(source=source, body=b"x", body_hash="single")
    parsed = ParsedStatement(
        title="Pasted", text="\n\n".join(copy_with(random.Random(1), text, "all"))
    )

    copy, created = statement_store(raw_item=raw, parsed=parsed)

    assert created and reloaded(copy).is_copy
    assert reloaded(copy).story == reloaded(first).story is not None


def test_only_the_lead_is_extracted_and_the_sweep_never_waits_for_copies(
    django_capture_on_commit_callbacks,
) -> None:
    reference_load()
    source = SourceFactory()
    text = paragraphs(13)
    lead, copy = store(
        source,
        [
            ("India and Japan", "\n\n".join(text), FIRST_DAY),
            ("Copy", "\n\n".join(copy_with(random.Random(3), text, "boilerplate")), FIRST_DAY),
        ],
    )

    announced = []

    def receiver(sender, *, statement_ids, **kwargs) -> None:
        announced.append(statement_ids)

    statement_extracted.connect(receiver, dispatch_uid="test-stories")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            results = statements_extract(statement_ids=[lead.pk, copy.pk])
    finally:
        statement_extracted.disconnect(dispatch_uid="test-stories")

    assert [result.statement_id for result in results] == [lead.pk]
    # What propose_suggestions is queued with: the lead alone, so one suggestion per story.
    assert announced == [[lead.pk]]
    assert reloaded(lead).extracted_at is not None
    assert reloaded(copy).extracted_at is None
    assert reloaded(lead).countries.filter(code="JP").exists()
    # Stored long ago, as the sweep looks for.
    Statement.objects.update(created_at=timezone.now() - datetime.timedelta(days=1))
    Statement.objects.filter(pk=lead.pk).update(extracted_at=None)
    assert imports.statements_unextracted() == [lead.pk]


def test_a_copy_without_a_story_and_a_second_lead_are_refused() -> None:
    [statement] = store(SourceFactory(), [("Alone", "\n\n".join(paragraphs(14)), FIRST_DAY)])
    with pytest.raises(IntegrityError):
        Statement.objects.filter(pk=statement.pk).update(is_copy=True)


def test_a_story_has_one_lead() -> None:
    text = paragraphs(15)
    _, copy = store(
        SourceFactory(),
        [
            ("Lead", "\n\n".join(text), FIRST_DAY),
            ("Copy", "\n\n".join(copy_with(random.Random(1), text, "trimmed")), FIRST_DAY),
        ],
    )
    with pytest.raises(IntegrityError):
        Statement.objects.filter(pk=copy.pk).update(is_copy=False)


def test_grouping_costs_a_fixed_number_of_queries_whatever_the_batch(
    django_assert_num_queries,
) -> None:
    source = SourceFactory()
    store(source, [(f"Earlier {n}", "\n\n".join(paragraphs(100 + n)), FIRST_DAY) for n in range(6)])

    def batch(size: int, offset: int) -> list[tuple[RawItem, ParsedStatement]]:
        """Every other item an edited copy of an earlier statement, the rest new."""
        batch = []
        for n in range(size):
            seed = 100 + n % 6 if n % 2 else 300 + offset + n
            text = "\n\n".join(copy_with(random.Random(offset + n), paragraphs(seed), "all"))
            raw = RawItem.objects.create(source=source, body=b"", body_hash=f"{offset}-{n}")
            day = FIRST_DAY - datetime.timedelta(days=n % 3)
            batch.append((raw, ParsedStatement(title=f"{offset} {n}", text=text, published_on=day)))
        return batch

    small, large = batch(4, 0), batch(40, 1000)
    with CaptureQueriesContext(connection) as few:
        statements_store(parsed=small)
    # The batch's savepoint (1); statements already stored by hash or URL (1); the grouping's
    # savepoint (1); bands shared with stored statements (1); those statements with their
    # stories (1); new stories (1); stored leads given their story (1, one prepared UPDATE);
    # the statements (1); their bands (1, one prepared INSERT); release (1); raw items marked
    # (1); release (1). Moving a story's earliest copy would add one.
    with django_assert_num_queries(12):
        statements_store(parsed=large)

    assert len(few) == 12
    assert Story.objects.count() == 3  # seeds 101, 103 and 105 are carried again
    assert Statement.objects.filter(is_copy=True).count() == 22


def test_the_generated_set_is_grouped_as_labelled() -> None:
    """The whole generated set through the import path: every pair in one story is a true
    copy pair (precision), and nearly every true copy joins its story (recall)."""
    items = near_duplicate_set(stories=30, seed=3)
    stored = store(SourceFactory(), [(item.title, item.text, FIRST_DAY) for item in items])
    story_of = {s.pk: s.story_id for s in Statement.objects.filter(pk__in=[s.pk for s in stored])}
    predicted = [story_of[s.pk] or -s.pk for s in stored]

    pairs = [(a, b) for a in range(len(items)) for b in range(a + 1, len(items))]
    joined = {(a, b) for a, b in pairs if predicted[a] == predicted[b]}
    truth = {(a, b) for a, b in pairs if items[a].story == items[b].story}
    assert joined <= truth
    assert len(joined) >= 0.95 * len(truth)
