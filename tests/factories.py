from __future__ import annotations

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from opportunities.models import FollowUp, Note, Opportunity, Suggestion, Team
from opportunities.tallies.keep import tallies_kept
from opportunities.tallies.models import FollowUpTally
from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening
from statements.models import ImportRun, Mention, Source, Statement


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    is_staff = True
    password = factory.django.Password("pass-word-123")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*extracted)


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Iterator(["JP", "FR", "US", "AU", "GB", "IL", "KR", "DE"])
    alpha_3 = factory.LazyAttribute(
        lambda c: {
            "JP": "JPN",
            "FR": "FRA",
            "US": "USA",
            "AU": "AUS",
            "GB": "GBR",
            "IL": "ISR",
            "KR": "KOR",
            "DE": "DEU",
            "IN": "IND",
        }[c.code]
    )
    name = factory.LazyAttribute(
        lambda c: {
            "JP": "Japan",
            "FR": "France",
            "US": "United States",
            "AU": "Australia",
            "GB": "United Kingdom",
            "IL": "Israel",
            "KR": "South Korea",
            "DE": "Germany",
            "IN": "India",
        }[c.code]
    )


class InvestmentAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InvestmentArea

    name = factory.Sequence(lambda n: f"Area {n}")
    slug = factory.Sequence(lambda n: f"area-{n}")
    keywords = factory.LazyAttribute(lambda area: [area.name.lower()])


class FirmFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Firm

    name = factory.Sequence(lambda n: f"Firm {n} Industries")
    country = factory.SubFactory(CountryFactory)
    kind = Firm.Kind.PRIVATE


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = factory.Sequence(lambda n: f"Contact {n}")
    role = "Director"
    firm = factory.SubFactory(FirmFactory)
    country = factory.SelfAttribute("firm.country")


class PolicyOpeningFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PolicyOpening

    country = factory.SubFactory(CountryFactory)
    title = factory.Sequence(lambda n: f"Policy opening {n}")
    kind = PolicyOpening.Kind.FDI


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


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Team {n}")

    @factory.post_generation
    def members(self, create, extracted, **kwargs):
        if create and extracted:
            self.members.add(*extracted)


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Opportunity {n}")
    team = factory.SubFactory(TeamFactory)
    stage = Opportunity.Stage.IDENTIFIED
    value = 1_000_000
    currency = "USD"
    probability = 10

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.add(*extracted)

    @factory.post_generation
    def tallies(self, create, extracted, **kwargs):
        # Made with the ORM, not a service: its team's dashboard tallies are recounted here,
        # as the services would. A test that then edits it with the ORM calls tallies_kept.
        if create:
            tallies_kept(team_ids=[self.team_id])


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp
        skip_postgeneration_save = True

    opportunity = factory.SubFactory(OpportunityFactory)
    title = factory.Sequence(lambda n: f"Follow-up {n}")
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=3))

    @factory.post_generation
    def tallies(self, create, extracted, **kwargs):
        # As OpportunityFactory: the services would recount its team's open follow-ups.
        if create:
            tallies_kept(team_ids=[self.opportunity.team_id], only=(FollowUpTally,))


class NoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Note

    opportunity = factory.SubFactory(OpportunityFactory)
    body = "Spoke to the firm; they want a proposal."


class SuggestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Suggestion

    statement = factory.SubFactory(StatementFactory)
    key = factory.Sequence(lambda n: f"IN-X{n}")
    title = factory.Sequence(lambda n: f"Suggestion {n}")
