"""An object's history page costs the same however many versions it shows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from opportunities.models import Opportunity
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory, FirmFactory

pytestmark = pytest.mark.django_db


def _opportunity_with_versions(team, versions: int) -> Opportunity:
    opportunity = OpportunityFactory(team=team, title="Radar co-development")
    countries = [CountryFactory(code=code) for code in ("JP", "FR", "US", "AU")]
    firm = FirmFactory(country=countries[0])
    for number in range(versions):
        opportunity.probability = number % 100
        opportunity.save()
        opportunity.countries.set([countries[number % len(countries)]])
        if number == 1:
            opportunity.firms.add(firm)
    return opportunity


def _history_queries(client, opportunity) -> tuple[int, str]:
    url = reverse("admin:opportunities_opportunity_history", args=[opportunity.pk])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_opportunity_history_queries_do_not_grow_with_versions(superuser, team, session_for):
    client = session_for(superuser)
    few_versions = _opportunity_with_versions(team, 3)
    _history_queries(client, few_versions)  # warm the per-process caches (content types)
    few, _ = _history_queries(client, few_versions)
    many, _ = _history_queries(client, _opportunity_with_versions(team, 30))
    assert many == few
    assert many <= 20


def test_history_page_shows_many_to_many_changes(superuser, team, session_for):
    opportunity = _opportunity_with_versions(team, 3)
    _, page = _history_queries(session_for(superuser), opportunity)
    assert "Probability" in page or "probability" in page
    assert "partner countries" in page.lower()
    assert "Japan" in page and "France" in page
