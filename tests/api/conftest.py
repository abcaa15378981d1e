from __future__ import annotations

from collections.abc import Callable

import pytest
from rest_framework.test import APIClient

from tracker.models import ApiToken

from ..factories import CountryFactory, OpportunityFactory


@pytest.fixture
def client_for() -> Callable[..., APIClient]:
    """An API client signed in with a fresh token of `user`."""

    def make(user, *, read_only: bool = False) -> APIClient:
        _, key = ApiToken.issue(user=user, name="test", read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def desk_api(client_for, desk_staff, team) -> APIClient:
    return client_for(desk_staff)


@pytest.fixture
def lead_api(client_for, team_lead, team) -> APIClient:
    return client_for(team_lead)


@pytest.fixture
def outsider_api(client_for, other_team) -> APIClient:
    return client_for(other_team.members.get())


@pytest.fixture
def japan(db):
    return CountryFactory(code="JP")


@pytest.fixture
def opportunity(team, japan):
    return OpportunityFactory(team=team, external_id="OPP-1", countries=[japan])
