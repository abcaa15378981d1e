"""The filter backend skips django-filter only when no query parameter could be a filter."""

from __future__ import annotations

from unittest import mock

import pytest

from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

FILTERSET_QS = "django_filters.filterset.BaseFilterSet.qs"


def test_plain_page_builds_no_filterset(desk_api, team):
    OpportunityFactory(team=team)
    with mock.patch(FILTERSET_QS, new_callable=mock.PropertyMock) as qs:
        response = desk_api.get("/api/opportunities/?page_size=10&ordering=title")
    assert response.status_code == 200
    assert response.json()["count"] == 1
    qs.assert_not_called()


def test_a_filter_still_filters_and_a_bad_one_is_refused(desk_api, team):
    OpportunityFactory(team=team, stage="engaged")
    OpportunityFactory(team=team, stage="identified")
    response = desk_api.get("/api/opportunities/?stage=engaged")
    assert response.status_code == 200
    assert [row["stage"] for row in response.json()["results"]] == ["engaged"]
    assert desk_api.get("/api/opportunities/?stage=bogus").status_code == 400
    # An unknown parameter goes through django-filter as before (which ignores it).
    assert desk_api.get("/api/opportunities/?colour=red").json()["count"] == 2
