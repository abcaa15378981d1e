"""A small known data set for the dashboard tests, and a client per user."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from opportunities.models import Opportunity
from statements.models import ImportRun, Mention
from tests.factories import (
    CountryFactory,
    FirmFactory,
    FollowUpFactory,
    ImportRunFactory,
    InvestmentAreaFactory,
    MentionFactory,
    OpportunityFactory,
    PolicyOpeningFactory,
    SourceFactory,
    StatementFactory,
    SuggestionFactory,
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
    return KnownData(japan, france, codev, training, firm, statement, source, opportunities)
