"""Possible duplicate opportunities are open work: won and lost ones are left out, and a page
load reads at most ROWS_READ open opportunities (the most recently changed), saying so."""

from __future__ import annotations

import pytest
from django.urls import reverse

from opportunities import duplicates
from opportunities.duplicates import opportunity_duplicates
from opportunities.visibility import sees_every_team
from statements.sensitivity import sees_restricted
from tests.opportunities.factories import OpportunityFactory

pytestmark = pytest.mark.django_db

URL = "admin:opportunities_opportunity_duplicates"


def ids(found) -> set[frozenset]:
    return {frozenset((pair.first_id, pair.second_id)) for pair in found}


def test_closed_opportunities_are_not_paired(team, japan, team_lead) -> None:
    open_one = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    open_two = OpportunityFactory(title="RADAR co-production!", team=team, countries=[japan])
    won = OpportunityFactory(
        title="Radar co-production", team=team, countries=[japan], stage="won", close_reason="x"
    )
    lost = OpportunityFactory(
        title="Radar co-production", team=team, countries=[japan], stage="lost", close_reason="y"
    )
    on_hold = OpportunityFactory(
        title="Radar co-production.", team=team, countries=[japan], stage="on_hold"
    )
    found = ids(opportunity_duplicates(user=team_lead))
    closed = {won.pk, lost.pk}
    # Open pairs with open (on hold is open work); a closed one pairs with nothing.
    assert frozenset((open_one.pk, open_two.pk)) in found
    assert frozenset((open_one.pk, on_hold.pk)) in found
    assert not any(pair & closed for pair in found)


def test_the_page_leaves_closed_ones_out(session_for, team_lead, team, japan) -> None:
    OpportunityFactory(title="Sonar trials", team=team, countries=[japan])
    OpportunityFactory(
        title="Sonar trials", team=team, countries=[japan], stage="lost", close_reason="z"
    )
    page = session_for(team_lead).get(reverse(URL))
    assert page.status_code == 200
    assert b"No possible duplicates among your teams' open opportunities." in page.content
    assert b"Showing the first" not in page.content


def test_at_most_the_cap_is_read_the_most_recently_changed(
    team, japan, team_lead, django_assert_num_queries
) -> None:
    old = [OpportunityFactory(title="Frigate refit", team=team, countries=[japan]) for _ in "ab"]
    new = [OpportunityFactory(title="Sonar trials", team=team, countries=[japan]) for _ in "ab"]
    # The user's permissions are read once per request, before any list: not the finder's.
    assert sees_restricted(team_lead) and not sees_every_team(team_lead)
    # Still three queries: titles (one row past the cap, to tell), countries, statements.
    with django_assert_num_queries(3):
        found = opportunity_duplicates(user=team_lead, limit=2)
    assert found.capped == 2
    assert ids(found) == {frozenset(o.pk for o in new)}
    assert not {o.pk for o in old} & {pk for pair in ids(found) for pk in pair}
    everything = opportunity_duplicates(user=team_lead, limit=4)
    assert everything.capped is None and len(everything) == 2


def test_the_page_says_when_it_shows_the_first_n_only(
    session_for, team_lead, team, japan, monkeypatch
) -> None:
    monkeypatch.setattr(duplicates, "ROWS_READ", 3)
    for _ in range(4):
        OpportunityFactory(title="Sonar trials", team=team, countries=[japan])
    text = session_for(team_lead).get(reverse(URL)).content.decode()
    assert "Showing the first 3 open opportunities only" in text
    assert text.count("Merge…") == 3  # three rows read: three pairs among them
