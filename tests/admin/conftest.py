"""Fixtures the admin tests share."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from tests.factories import FollowUpFactory, NoteFactory, OpportunityFactory


@pytest.fixture
def client_for() -> Callable[..., Client]:
    """A fresh test client logged in as the given user (several may be open at once)."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def outsider(other_team):
    """Desk staff of the other team only."""
    return other_team.members.get()


@pytest.fixture
def team_opportunity(team, desk_staff):
    """An open opportunity of `team`, with one open follow-up and one note."""
    opportunity = OpportunityFactory(
        title="Japan radar co-development", team=team, owner=desk_staff
    )
    FollowUpFactory(opportunity=opportunity, title="Call the MoD", owner=desk_staff)
    NoteFactory(opportunity=opportunity, author=desk_staff, body="Met at the expo.")
    return opportunity


@pytest.fixture
def other_team_opportunity(other_team, outsider):
    return OpportunityFactory(title="Europe frigate refit", team=other_team, owner=outsider)
