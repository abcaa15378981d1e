"""Each list costs the same number of queries for 1, 10 and 100 rows; a detail at most 3.

Requests use a token: one query finds the token and its user, one loads the permissions,
then the list's count and its rows (every related name is folded into the row query)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    SuggestionFactory,
)
from tests.partners.factories import (
    ContactFactory,
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

pytestmark = pytest.mark.django_db


def make_rows(kind: str, count: int, team, japan) -> list:
    area = InvestmentAreaFactory()
    made = []
    for _ in range(count):
        if kind == "opportunities":
            obj = OpportunityFactory(team=team, countries=[japan])
            obj.areas.add(area)
            obj.firms.add(FirmFactory(country=japan))
        elif kind == "follow-ups":
            obj = FollowUpFactory(opportunity=OpportunityFactory(team=team))
        elif kind == "notes":
            obj = NoteFactory(opportunity=OpportunityFactory(team=team))
        elif kind == "suggestions":
            obj = SuggestionFactory()
            obj.countries.add(japan)
            obj.areas.add(area)
        elif kind == "firms":
            obj = FirmFactory(country=japan)
            obj.areas.add(area)
        elif kind == "contacts":
            obj = ContactFactory()
        elif kind == "policy-openings":
            obj = PolicyOpeningFactory(country=japan)
            obj.areas.add(area)
        elif kind == "statements":
            obj = StatementFactory()
            obj.countries.add(japan)
            MentionFactory(statement=obj)
        elif kind == "mentions":
            obj = MentionFactory()
        elif kind == "sources":
            obj = SourceFactory(country=japan)
        elif kind == "import-runs":
            obj = ImportRunFactory()
        elif kind == "areas":
            obj = InvestmentAreaFactory(parent=area)
        made.append(obj)
    return made


KINDS = [
    "opportunities",
    "follow-ups",
    "notes",
    "suggestions",
    "firms",
    "contacts",
    "policy-openings",
    "statements",
    "mentions",
    "sources",
    "import-runs",
    "areas",
]


def count_queries(api, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


@pytest.mark.parametrize("kind", KINDS)
def test_list_query_count_does_not_grow(
    kind, token_for, desk_staff, team, japan, django_assert_max_num_queries
):
    api = token_for(desk_staff)
    api.get("/api/countries/")  # stamps the token's last use, which is then good for 5 minutes
    counts = []
    total = 0
    # Opportunities also read the exchange rates once, for their value in the reporting currency.
    extra = 1 if kind == "opportunities" else 0
    for size in (1, 10, 100):
        made = make_rows(kind, size - total, team, japan)
        total = size
        with django_assert_max_num_queries(4 + extra):
            response = api.get(f"/api/{kind}/?page_size=500")
        assert response.status_code == 200
        assert len(response.json()["results"]) >= size
        counts.append(count_queries(api, f"/api/{kind}/?page_size=500"))
        detail = made[-1].pk
        with django_assert_max_num_queries(3 + extra):
            assert api.get(f"/api/{kind}/{detail}/").status_code == 200
    assert counts[0] == counts[1] == counts[2]
