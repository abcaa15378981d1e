"""A user deleted outside the service (`user.delete()`, a queryset's `delete()`) still leaves
the open follow-ups' tallies exact: their follow-ups are counted under no owner."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from opportunities.models import FollowUp
from tests.support.tallies import assert_exact

from .test_user_delete import counted, owner_less  # noqa: F401  (the shared fixture)

pytestmark = pytest.mark.django_db


def test_a_plain_user_delete_moves_their_follow_ups_to_no_owner(counted, team, other_team) -> None:  # noqa: F811
    counted.delete()
    assert FollowUp.objects.filter(owner=None).count() == 5
    assert owner_less(team) == 3 and owner_less(other_team) == 1
    assert_exact()


def test_a_queryset_delete_of_several_users_too(counted, team, desk_staff) -> None:  # noqa: F811
    get_user_model().objects.filter(pk__in=[counted.pk, desk_staff.pk]).delete()
    assert owner_less(team) == 4
    assert_exact()


def test_a_moved_follow_up_is_a_changed_one(counted) -> None:  # noqa: F811
    before = dict(FollowUp.objects.filter(owner=counted).values_list("pk", "version"))
    counted.delete()
    after = dict(FollowUp.objects.filter(pk__in=before).values_list("pk", "version"))
    assert after == {pk: version + 1 for pk, version in before.items()}
