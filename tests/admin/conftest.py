"""Fixtures the admin tests share."""

from __future__ import annotations

import pytest

from tests.opportunities.factories import FollowUpFactory, NoteFactory, OpportunityFactory


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
