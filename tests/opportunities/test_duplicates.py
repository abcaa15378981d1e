"""Possible duplicate opportunities: close titles between the same or overlapping partner
countries, only among the work the user may see, from three queries."""

from __future__ import annotations

import pytest

from opportunities import duplicates
from opportunities.duplicates import opportunity_duplicates
from opportunities.visibility import sees_every_team
from statements.sensitivity import sees_restricted
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory
from tests.statements.factories import StatementFactory
from tests.tracker.factories import UserFactory

pytestmark = pytest.mark.django_db


def pairs(found) -> dict[frozenset, tuple[int, str]]:
    return {frozenset((p.first_id, p.second_id)): (p.score, p.reason) for p in found}


def pair_of(a, b) -> frozenset:
    return frozenset((a.pk, b.pk))


@pytest.fixture
def france(db):
    return CountryFactory(code="FR")


def test_titles_differing_by_case_punctuation_and_small_words_score_100(
    team, japan, team_lead
) -> None:
    a = OpportunityFactory(title="Radar co-production with MHI", team=team, countries=[japan])
    b = OpportunityFactory(title="RADAR CO-PRODUCTION, MHI", team=team, countries=[japan])
    score, reason = pairs(opportunity_duplicates(user=team_lead))[pair_of(a, b)]
    assert score == 100 and reason == "similar titles, same countries"


def test_words_in_another_order_or_plural_are_still_a_pair(team, japan, team_lead) -> None:
    a = OpportunityFactory(title="Co-production of radars", team=team, countries=[japan])
    b = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    c = OpportunityFactory(title="P-1 maritime patrol aircraft", team=team, countries=[japan])
    d = OpportunityFactory(title="P1 maritime patrol aircraft sale", team=team, countries=[japan])
    found = pairs(opportunity_duplicates(user=team_lead))
    assert pair_of(a, b) in found and pair_of(c, d) in found
    assert found[pair_of(c, d)][0] < 100


def test_different_work_with_the_same_countries_is_no_pair(team, japan, team_lead) -> None:
    # Close as strings, but a word of one is not in the other: radar is not sonar, a purchase
    # is not training, one maritime self-defence force is not the other.
    made = [
        OpportunityFactory(title=title, team=team, countries=[japan])
        for title in (
            "Radar co-production",
            "Sonar co-production",
            "US-2 amphibious aircraft purchase",
            "US-2 amphibious aircraft training",
            "Training exercise with JMSDF",
            "Training exercise with JGSDF",
            "Submarine maintenance",
            "Frigate refit",
        )
    ]
    assert opportunity_duplicates(user=team_lead) == []
    assert len(made) == 8


def test_one_title_inside_a_much_longer_one_is_no_pair(team, japan, team_lead) -> None:
    OpportunityFactory(title="Radar", team=team, countries=[japan])
    OpportunityFactory(title="Radar upgrade for the MHI destroyers", team=team, countries=[japan])
    assert opportunity_duplicates(user=team_lead) == []


def test_countries_must_be_the_same_or_overlap(team, japan, france, team_lead) -> None:
    same = OpportunityFactory(title="Sonar trials", team=team, countries=[japan])
    overlapping = OpportunityFactory(title="Sonar trials", team=team, countries=[japan, france])
    elsewhere = OpportunityFactory(title="Sonar trials", team=team, countries=[france])
    nowhere = OpportunityFactory(title="Sonar trials", team=team)
    nowhere_too = OpportunityFactory(title="Sonar trials.", team=team)
    found = pairs(opportunity_duplicates(user=team_lead))
    assert found[pair_of(nowhere, nowhere_too)] == (100, "similar titles, no countries")
    assert found[pair_of(same, overlapping)] == (95, "similar titles, overlapping countries")
    assert pair_of(same, elsewhere) not in found
    assert pair_of(same, nowhere) not in found and pair_of(elsewhere, nowhere) not in found
    assert found[pair_of(overlapping, elsewhere)][0] == 95


def test_a_shared_statement_adds_to_the_score(team, japan, team_lead) -> None:
    a = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    b = OpportunityFactory(title="Radar co-production with MHI", team=team, countries=[japan])
    alone = pairs(opportunity_duplicates(user=team_lead))[pair_of(a, b)][0]
    statement = StatementFactory()
    a.statements.add(statement)
    b.statements.add(statement)
    score, reason = pairs(opportunity_duplicates(user=team_lead))[pair_of(a, b)]
    assert score == alone + duplicates.SHARED_STATEMENT
    assert reason.endswith("a shared statement")


def test_a_restricted_statement_adds_nothing_for_those_not_cleared(
    team, japan, desk_staff, team_lead
) -> None:
    a = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    b = OpportunityFactory(title="Radar co-production with MHI", team=team, countries=[japan])
    secret = StatementFactory(sensitivity="restricted")
    a.statements.add(secret)
    b.statements.add(secret)
    desk = pairs(opportunity_duplicates(user=desk_staff))[pair_of(a, b)]
    lead = pairs(opportunity_duplicates(user=team_lead))[pair_of(a, b)]
    assert "statement" not in desk[1] and "statement" in lead[1]


def test_a_desk_sees_pairs_of_its_own_teams_work_only(
    team, other_team, japan, desk_staff, outsider
) -> None:
    ours = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    ours_too = OpportunityFactory(title="Radar co-production", team=team, countries=[japan])
    theirs = OpportunityFactory(title="Radar co-production", team=other_team, countries=[japan])
    assert set(pairs(opportunity_duplicates(user=desk_staff))) == {pair_of(ours, ours_too)}
    assert opportunity_duplicates(user=outsider) == []  # one of theirs: nothing to pair
    # Someone in both teams sees the pairs across them: two desks, one piece of work.
    both = UserFactory(username="both")
    team.members.add(both)
    other_team.members.add(both)
    assert pair_of(ours, theirs) in pairs(opportunity_duplicates(user=both))


def test_a_restricted_opportunity_is_paired_for_the_cleared_only(
    team, japan, desk_staff, team_lead
) -> None:
    shown = OpportunityFactory(title="Sonar trials", team=team, countries=[japan])
    secret = OpportunityFactory(
        title="Sonar trials", team=team, countries=[japan], sensitivity="restricted"
    )
    assert opportunity_duplicates(user=desk_staff) == []
    assert pair_of(shown, secret) in pairs(opportunity_duplicates(user=team_lead))


def test_an_inactive_user_gets_nothing(team, japan, team_lead) -> None:
    OpportunityFactory(title="Sonar trials", team=team, countries=[japan])
    OpportunityFactory(title="Sonar trials", team=team, countries=[japan])
    team_lead.is_active = False
    assert opportunity_duplicates(user=team_lead) == []


@pytest.mark.parametrize("count", [20, 80])
def test_three_queries_however_many_opportunities(
    count, team, japan, france, desk_staff, django_assert_num_queries
) -> None:
    statement = StatementFactory()
    for n in range(count):
        made = OpportunityFactory(
            title=f"Radar batch {n % 10} co-production", team=team, countries=[japan, france]
        )
        made.statements.add(statement)
    # The user's permissions are read once per request, before any list: not the finder's.
    assert not sees_restricted(desk_staff) and not sees_every_team(desk_staff)
    # Titles, partner countries, source statements the user may see.
    with django_assert_num_queries(3):
        found = opportunity_duplicates(user=desk_staff)
    assert found


def test_a_block_too_big_to_compare_all_against_all_is_compared_by_neighbours(
    team, japan, team_lead
) -> None:
    size = duplicates.FULL_BLOCK * 3
    # Both words of every title start alike ("rada", "unit"): every row is in the same two
    # big blocks, so the twin can only be found as a neighbour in key order.
    made = [
        OpportunityFactory(title=f"Radar unit{n:03d}", team=team, countries=[japan])
        for n in range(size)
    ]
    twin = OpportunityFactory(title="RADAR UNIT007", team=team, countries=[japan])
    blocks = list(duplicates._blocks(duplicates._rows(team_lead)[0]))
    assert sorted(len(block) for block in blocks) == [size + 1, size + 1]
    compared = sum(
        min(duplicates.compared_with(len(block)), len(block) - 1 - i)
        for block in blocks
        for i in range(len(block))
    )
    # All against all would be n(n-1)/2 comparisons in each block.
    assert compared <= 2 * (size + 1) * duplicates.WINDOW < (size + 1) * size
    found = pairs(opportunity_duplicates(user=team_lead))
    assert found[pair_of(made[7], twin)][0] == 100
