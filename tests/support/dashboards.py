"""A small known data set for the dashboard tests (tests/tracker/dashboards/): the `known` and
`pair` fixtures, a plugin of the root conftest, and the helpers that build a partnership."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from opportunities.models import CommitmentCandidate, Opportunity
from opportunities.tallies.keep import tallies_rebuild
from partners.models import PolicyOpening
from statements.models import Commitment, ImportRun, Mention
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory, SuggestionFactory
from tests.partners.factories import (
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
    PolicyOpeningFactory,
)
from tests.statements.factories import (
    ImportRunFactory,
    MentionFactory,
    SourceFactory,
    StatementFactory,
)

STATEMENT_TEXT = "India and Japan agreed on co-development with Tata Advanced under FDI rules."


@dataclass
class KnownData:
    japan: object
    france: object
    codev: object
    training: object
    firm: object
    statement: object
    source: object
    opportunities: dict[str, Opportunity]


@pytest.fixture
def known(team, other_team, desk_staff, team_lead) -> KnownData:
    """Team 'Japan desk': 2 identified (USD 1M + 2M), 1 proposal (INR 5M), 1 won and 1 lost this
    month; the other team: 1 identified (USD 7M). Follow-ups: desk staff 1 overdue and 1 due in
    3 days, 1 unassigned overdue; the other team 1 overdue."""
    now = timezone.now()
    today = timezone.localdate()
    japan, france = CountryFactory(code="JP"), CountryFactory(code="FR")
    codev = InvestmentAreaFactory(name="Co-development", slug="co-development")
    training = InvestmentAreaFactory(name="Training", slug="training")
    firm = FirmFactory(name="Tata Advanced", country=CountryFactory(code="IN"))
    source = SourceFactory(name="MEA briefings", failure_count=2, last_error="HTTP 503")
    ImportRunFactory(source=source, status=ImportRun.Status.FAILED)
    statement = StatementFactory(source=source, title="India-Japan briefing", text=STATEMENT_TEXT)
    policy = PolicyOpeningFactory(country=japan, title="Defence FDI opened to Japanese firms")
    statement.countries.add(japan)
    statement.firms.add(firm)
    statement.areas.add(codev)
    statement.policy_openings.add(policy)
    for kind, term, fk in [
        (Mention.Kind.COUNTRY, "Japan", {"country": japan}),
        (Mention.Kind.AREA, "co-development", {"area": codev}),
        (Mention.Kind.FIRM, "Tata Advanced", {"firm": firm}),
        (Mention.Kind.POLICY, "FDI", {}),
    ]:
        start = STATEMENT_TEXT.index(term)
        MentionFactory(
            statement=statement,
            kind=kind,
            term=term,
            start=start,
            end=start + len(term),
            **{"country": None, **fk},
        )
    suggestion = SuggestionFactory(statement=statement, title="India-Japan co-development")

    def opp(key, team_, stage, value, currency, countries, areas, **extra):
        opportunity = OpportunityFactory(
            title=f"Opportunity {key}",
            team=team_,
            stage=stage,
            value=value,
            currency=currency,
            countries=countries,
            **extra,
        )
        opportunity.areas.add(*areas)
        return opportunity

    S = Opportunity.Stage
    opportunities = {
        "a": opp("a", team, S.IDENTIFIED, 1_000_000, "USD", [japan], [codev], owner=desk_staff),
        "b": opp("b", team, S.IDENTIFIED, 2_000_000, "USD", [japan], [training]),
        "c": opp("c", team, S.PROPOSAL, 5_000_000, "INR", [france], [codev], owner=team_lead),
        "won": opp(
            "won", team, S.WON, 3_000_000, "USD", [japan], [codev],
            close_reason="Signed", closed_at=now,
        ),
        "lost": opp(
            "lost", team, S.LOST, None, "USD", [france], [],
            close_reason="Budget cut", closed_at=now,
        ),
        "other": opp("other", other_team, S.IDENTIFIED, 7_000_000, "USD", [japan], [codev]),
    }  # fmt: skip
    opportunities["a"].statements.add(statement)
    opportunities["other"].statements.add(statement)
    suggestion.opportunity = opportunities["other"]
    suggestion.save()
    day = datetime.timedelta(days=1)
    FollowUpFactory(opportunity=opportunities["a"], owner=desk_staff, due_date=today - 2 * day)
    FollowUpFactory(opportunity=opportunities["b"], owner=desk_staff, due_date=today + 3 * day)
    FollowUpFactory(opportunity=opportunities["c"], owner=None, due_date=today - 1 * day)
    FollowUpFactory(opportunity=opportunities["a"], owner=desk_staff, due_date=today + 30 * day)
    FollowUpFactory(opportunity=opportunities["other"], due_date=today - 5 * day)
    # Links added with the ORM after the factories counted: recount, as `tallies_rebuild` would.
    tallies_rebuild()
    return KnownData(japan, france, codev, training, firm, statement, source, opportunities)


# The partnership of India and Japan (tests/tracker/dashboards/test_partnerships.py and
# test_browser.py).


def party(statement, country, role=Mention.Role.PARTY, start=0):
    return MentionFactory(
        statement=statement, country=country, term=country.name, role=role, start=start
    )


def pair_statement(india, japan, **fields):
    statement = StatementFactory(**fields)
    party(statement, india, start=0)
    party(statement, japan, start=20)
    return statement


def commitment(statement, sentence, start):
    return Commitment.objects.create(
        statement=statement,
        phrase="agreed to",
        sentence=sentence,
        start=start,
        end=start + len(sentence),
        countries=["IN", "JP"],
    )


def taken_up(statement, item, opportunity, title):
    follow_up = FollowUpFactory(opportunity=opportunity, title=title)
    CommitmentCandidate.objects.create(
        statement=statement,
        opportunity=opportunity,
        phrase=item.phrase,
        sentence=item.sentence,
        start=item.start,
        status=CommitmentCandidate.Status.ACCEPTED,
        follow_up=follow_up,
    )
    return follow_up


@pytest.fixture
def pair(team, other_team):
    india, japan = CountryFactory(code="IN"), CountryFactory(code="JP")
    us = CountryFactory(code="US")
    march = pair_statement(
        india, japan, title="India-Japan <b>briefing</b>", published_on=datetime.date(2023, 3, 20)
    )
    later = pair_statement(
        india, japan, title="Joint statement", published_on=datetime.date(2024, 9, 2)
    )
    # Japan only a place here ("talks in Tokyo"): not between them.
    place = StatementFactory(
        title="India-US talks held in Japan", published_on=datetime.date(2024, 1, 5)
    )
    party(place, india)
    party(place, us, start=20)
    party(place, japan, role=Mention.Role.PLACE, start=40)
    ours = OpportunityFactory(title="Co-development of UGVs", team=team, countries=[japan])
    theirs = OpportunityFactory(title="Europe desk's own", team=other_team, countries=[japan])
    OpportunityFactory(title="With the US", team=team, countries=[us])
    first = commitment(march, "India and Japan agreed to hold a joint exercise.", 0)
    second = commitment(march, "They agreed to meet again next year.", 60)
    third = commitment(later, "Both sides agreed to co-develop robotics.", 0)
    taken_up(march, first, ours, "Plan the joint exercise")
    taken_up(march, second, theirs, "Another team's follow-up")
    fdi_2020 = PolicyOpeningFactory(
        country=india,
        title="Defence FDI 74%",
        cap="74%",
        route=PolicyOpening.Route.AUTOMATIC,
        status=PolicyOpening.Status.IN_FORCE,
        effective_date=datetime.date(2020, 9, 30),
    )
    PolicyOpeningFactory(
        country=japan,
        title="Three principles on transfer",
        kind=PolicyOpening.Kind.EXPORT,
        status=PolicyOpening.Status.IN_FORCE,
        effective_date=datetime.date(2023, 12, 22),
    )
    return {
        "india": india, "japan": japan, "march": march, "later": later, "place": place,
        "ours": ours, "theirs": theirs, "third": third, "fdi_2020": fdi_2020,
    }  # fmt: skip
