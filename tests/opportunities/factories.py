"""Factories of the opportunities app: teams, opportunities, follow-ups, notes, suggestions."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from opportunities.models import FollowUp, Note, Opportunity, Suggestion, Team
from opportunities.tallies.keep import tallies_kept
from opportunities.tallies.models import FollowUpTally
from tests.statements.factories import StatementFactory


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
