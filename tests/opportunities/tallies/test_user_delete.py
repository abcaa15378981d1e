"""Deleting a user keeps the open follow-ups' tallies exact: their follow-ups stay, owner-less,
and are counted under no owner, whether the user is deleted from the admin (one, or several
with the bulk action) or by the service."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from opportunities.models import FollowUp
from opportunities.people import users_delete
from opportunities.tallies.keep import tallies_rebuild
from opportunities.tallies.models import FollowUpTally
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory
from tests.partners.factories import CountryFactory
from tests.support.tallies import assert_exact
from tests.tracker.factories import UserFactory

pytestmark = pytest.mark.django_db
PINNED = 45
DUE = datetime.date(2026, 1, 5)


@pytest.fixture
def counted(team, other_team, japan, desk_staff):
    CountryFactory(code=settings.TRACKER_HOME_COUNTRY)
    ours = OpportunityFactory(team=team, countries=[japan])
    theirs = OpportunityFactory(team=other_team, countries=[japan])
    leaving = UserFactory(username="leaving")
    for opportunity in (ours, ours, theirs):
        FollowUpFactory(opportunity=opportunity, owner=leaving, due_date=DUE)
    FollowUpFactory(opportunity=ours, owner=None, due_date=DUE)
    FollowUpFactory(opportunity=ours, owner=desk_staff, due_date=DUE)
    FollowUpFactory(
        opportunity=ours, owner=leaving, due_date=DUE, status="done", completed_at=timezone.now()
    )
    tallies_rebuild()
    return leaving


def owner_less(team) -> int:
    return FollowUpTally.objects.get(team=team, owner=None, due_date=DUE).n


def test_the_admin_delete_moves_their_follow_ups_to_no_owner(
    counted, team, other_team, superuser, session_for
) -> None:
    page = session_for(superuser).post(
        reverse("admin:auth_user_delete", args=[counted.pk]), {"post": "yes"}
    )
    assert page.status_code == 302
    assert not get_user_model().objects.filter(pk=counted.pk).exists()
    assert FollowUp.objects.filter(owner=None).count() == 5  # 3 open, 1 done, 1 was no one's
    assert owner_less(team) == 3 and owner_less(other_team) == 1
    assert_exact()


def test_the_admin_bulk_delete_too(counted, team, desk_staff, superuser, session_for) -> None:
    page = session_for(superuser).post(
        reverse("admin:auth_user_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [counted.pk, desk_staff.pk],
            "post": "yes",
        },
    )
    assert page.status_code == 302
    assert get_user_model().objects.filter(pk__in=[counted.pk, desk_staff.pk]).count() == 0
    assert owner_less(team) == 4
    assert_exact()


def test_the_service_bumps_the_moved_follow_ups_versions(counted) -> None:
    before = dict(FollowUp.objects.filter(owner=counted).values_list("pk", "version"))
    assert users_delete(users=[counted]) == 1
    after = dict(FollowUp.objects.filter(pk__in=before).values_list("pk", "version"))
    assert after == {pk: version + 1 for pk, version in before.items()}
    assert_exact()


def test_a_deletes_queries_do_not_grow_with_the_teams(counted, team, other_team, japan) -> None:
    def queries_deleting(username: str) -> int:
        user = UserFactory(username=username)
        for opportunity in OpportunityFactory.create_batch(2, team=team, countries=[japan]):
            FollowUpFactory(opportunity=opportunity, owner=user, due_date=DUE)
        with CaptureQueriesContext(connection) as seen:
            users_delete(users=[user])
        return len(seen)

    few = queries_deleting("first")
    for _ in range(20):
        FollowUpFactory(opportunity=OpportunityFactory(team=team), owner=None, due_date=DUE)
    assert queries_deleting("second") == few
    # The service's savepoint and release, the opportunities of the user's open follow-ups;
    # the adjustment's nine (savepoint, the team lock, the follow-ups' counts before, their
    # update, the counts after, the decrement, the emptied rows' delete, the upsert, release);
    # Django's delete of a user: the user, two relations read, 9 deletes, 20 set to NULL,
    # the user's row (33, whoever the user is).
    assert few == PINNED
    assert_exact()
