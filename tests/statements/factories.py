"""Factories of the statements app: sources, statements, import runs, mentions."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from statements.models import ImportRun, Mention, Source, Statement
from tests.partners.factories import CountryFactory


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    name = factory.Sequence(lambda n: f"Source {n}")
    kind = Source.Kind.FEED
    url = factory.Sequence(lambda n: f"https://example.org/feed/{n}.xml")


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    source = factory.SubFactory(SourceFactory)
    title = factory.Sequence(lambda n: f"Statement {n}")
    text = factory.Sequence(lambda n: f"India and Japan discussed co-innovation, item {n}.")
    content_hash = factory.Sequence(lambda n: f"{n:064d}")
    published_on = datetime.date(2026, 1, 15)


class ImportRunFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportRun

    source = factory.SubFactory(SourceFactory)
    started_at = factory.LazyFunction(timezone.now)
    status = ImportRun.Status.OK


class MentionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mention

    statement = factory.SubFactory(StatementFactory)
    kind = Mention.Kind.COUNTRY
    term = "Japan"
    country = factory.SubFactory(CountryFactory, code="JP")
    start = factory.Sequence(lambda n: n * 10)
    end = factory.LazyAttribute(lambda m: m.start + 5)
    snippet = "India and Japan discussed co-innovation."
