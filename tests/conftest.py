from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from opportunities.roles import ANALYST, DESK_STAFF, TEAM_LEAD, roles_setup
from partners.reference import reference_load
from tracker.celery import app as celery_app

from .factories import TeamFactory, UserFactory


@pytest.fixture
def roles(db) -> dict[str, Group]:
    roles_setup()
    return {group.name: group for group in Group.objects.all()}


@pytest.fixture
def superuser(db):
    return UserFactory(username="boss", is_superuser=True)


@pytest.fixture
def team_lead(roles):
    return UserFactory(username="lead", groups=[roles[TEAM_LEAD]])


@pytest.fixture
def desk_staff(roles):
    return UserFactory(username="desk", groups=[roles[DESK_STAFF]])


@pytest.fixture
def analyst(roles):
    return UserFactory(username="analyst", groups=[roles[ANALYST]])


@pytest.fixture
def team(team_lead, desk_staff, analyst):
    return TeamFactory(name="Japan desk", members=[team_lead, desk_staff, analyst])


@pytest.fixture
def other_team(roles):
    outsider = UserFactory(username="outsider", groups=[roles[DESK_STAFF]])
    return TeamFactory(name="Europe desk", members=[outsider])


@pytest.fixture
def tasks_in_process():
    """Run enqueued tasks here even when a broker is set (CI's second pass)."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.task_eager_propagates
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = saved


@pytest.fixture
def reference() -> None:
    """The reference data `load_reference` loads: countries, investment areas and their terms."""
    reference_load()
