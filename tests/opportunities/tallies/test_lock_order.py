"""Two team moves A -> B and B -> A at once cannot deadlock: an adjustment locks every team it
will write under (the team the rows are in and the team the instance is set to) in one
statement, in team id order, before it reads; never one more team later."""

from __future__ import annotations

import re
import threading

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from opportunities.models import Opportunity, Team
from opportunities.services import opportunity_save
from opportunities.tallies.adjust import tallies_adjusted
from opportunities.tallies.keep import tallies_rebuild
from opportunities.tallies.models import StageTally
from tests.opportunities.factories import OpportunityFactory
from tests.partners.factories import CountryFactory
from tests.support.tallies import assert_exact

TEAM_TABLE = f'FROM "{Team._meta.db_table}"'
TALLY_WRITES = ("UPDATE", "INSERT", "DELETE")


def _moved(opportunity: Opportunity, team: Team) -> Opportunity:
    opportunity = Opportunity.objects.get(pk=opportunity.pk)
    opportunity.team = team
    return opportunity_save(opportunity=opportunity, expected_version=opportunity.version)


@pytest.mark.django_db
def test_a_team_move_locks_both_teams_at_once_in_team_order(team, other_team, japan) -> None:
    CountryFactory(code=settings.TRACKER_HOME_COUNTRY)
    moving = OpportunityFactory(team=team, countries=[japan])
    OpportunityFactory(team=other_team, countries=[japan])
    tallies_rebuild()
    with CaptureQueriesContext(connection) as seen:
        _moved(moving, other_team)
    sql = [query["sql"] for query in seen.captured_queries]
    # The team lock reads the ids (the form's check that the team exists reads `1`).
    locks = [n for n, text in enumerate(sql) if TEAM_TABLE in text and '"pk"' in text]
    assert len(locks) == 1, "the teams are locked in one statement, none later"
    lock = sql[locks[0]]
    assert re.search(r'ORDER BY (1|"opportunities_team"\."id") ASC', lock)
    # The team it moves to, by id, beside the subquery of the team it is in.
    assert f'"opportunities_team"."id" IN ({other_team.pk})' in lock
    if connection.vendor == "postgresql":
        assert lock.rstrip().endswith("FOR UPDATE")
    tally = f'"{StageTally._meta.db_table}"'
    first_write = next(
        n for n, text in enumerate(sql) if text.startswith(TALLY_WRITES) and tally in text
    )
    assert locks[0] < first_write
    assert_exact()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database is shared-cache: it fails on locks, never waits",
)
@pytest.mark.django_db(transaction=True)
def test_two_crossed_team_moves_at_once_both_commit(team, other_team, japan) -> None:
    CountryFactory(code=settings.TRACKER_HOME_COUNTRY)
    one = OpportunityFactory(team=team, countries=[japan])
    two = OpportunityFactory(team=other_team, countries=[japan])
    tallies_rebuild()
    entered = [threading.Event(), threading.Event()]
    failures: list[BaseException] = []

    def move(n: int, opportunity: Opportunity, to: Team) -> None:
        # What `opportunity_save` does, with a pause once its adjustment holds its locks and
        # has read: each waits (up to 3 s) for the other to get that far too. Locked one team
        # at a time, each would hold the team the other moves to, and PostgreSQL would abort
        # one as a deadlock; locked together in order, the second waits for the first.
        try:
            with transaction.atomic():
                opportunity = Opportunity.objects.select_for_update().get(pk=opportunity.pk)
                opportunity.team = to
                opportunity.version += 1
                with tallies_adjusted([opportunity]):
                    entered[n].set()
                    entered[1 - n].wait(timeout=3)
                    opportunity.save()
        except BaseException as error:  # collected and asserted below
            failures.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=move, args=(0, one, other_team)),
        threading.Thread(target=move, args=(1, two, team)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert failures == []
    assert set(Opportunity.objects.values_list("pk", "team")) == {
        (one.pk, other_team.pk),
        (two.pk, team.pk),
    }
    assert_exact()
