from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from hypothesis import settings as hypothesis_settings
from rest_framework.test import APIClient

from opportunities.models import FollowUp, Note, Opportunity, Suggestion
from opportunities.roles import ANALYST, DESK_STAFF, TEAM_LEAD, roles_setup
from partners.reference import reference_load
from statements.extract import statement_extract
from statements.models import Statement
from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    TeamFactory,
)
from tests.partners.factories import CountryFactory
from tests.statements.factories import StatementFactory
from tests.support.extraction import SEED, statement_from_file
from tests.tracker.factories import UserFactory
from tracker.celery import app as celery_app
from tracker.models import ApiToken

# Speed is measured by bench/, never by a test's wall clock: on a loaded machine hypothesis's
# default 200 ms deadline failed examples that were right.
hypothesis_settings.register_profile("tracker", deadline=None)
hypothesis_settings.load_profile("tracker")

# Fixtures every test directory may use: local servers (HTTP, HTTPS, SMTP), workers, a browser
# and the dashboards' data set.
pytest_plugins = [
    "tests.statements.httpserver",
    "tests.opportunities.reminders.smtpserver",
    "tests.workers",  # private_redis, broker_down
    "tests.browsers",  # browser
    "tests.support.dashboards",  # known, pair: the dashboards' data set
]


@pytest.fixture(autouse=True)
def cache_cleared() -> None:
    """The cache holds the polite-fetching state per host and origin (lib/http/polite.py) and
    the failure counters of wrong keys (lib/ratelimit.py): a test server's port may be one an
    earlier test used, and one test's wrong keys must not count against the next test's client,
    which has the same address."""
    cache.clear()


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
    """The reference data `load_reference` loads: countries, investment areas and their terms;
    not its firms, as tests build the firms they need."""
    reference_load(firms=False)


@pytest.fixture
def session_for() -> Callable[..., Client]:
    """A browser-like test client with a session logged in as the given user (several may be
    open at once): for the admin and the dashboards."""

    def make(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make


@pytest.fixture
def token_for() -> Callable[..., APIClient]:
    """An API client that sends a fresh token of the given user, as a script would."""

    def make(user, *, read_only: bool = False) -> APIClient:
        _, key = ApiToken.issue(user=user, name="test", read_only=read_only)
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        return client

    return make


@pytest.fixture
def outsider(other_team):
    """Desk staff of the other team only."""
    return other_team.members.get()


@pytest.fixture
def admin_api(token_for, superuser) -> APIClient:
    return token_for(superuser)


@pytest.fixture
def desk_api(token_for, desk_staff, team) -> APIClient:
    return token_for(desk_staff)


@pytest.fixture
def lead_api(token_for, team_lead, team) -> APIClient:
    return token_for(team_lead)


@pytest.fixture
def outsider_api(token_for, other_team) -> APIClient:
    return token_for(other_team.members.get())


@pytest.fixture
def japan(db):
    return CountryFactory(code="JP")


@pytest.fixture
def opportunity(team, japan):
    return OpportunityFactory(team=team, external_id="OPP-1", countries=[japan])


@pytest.fixture
def team_opportunity(team, desk_staff):
    """An open opportunity of `team`, with one open follow-up and one note (the admin tests)."""
    opportunity = OpportunityFactory(
        title="Japan radar co-development", team=team, owner=desk_staff
    )
    FollowUpFactory(opportunity=opportunity, title="Call the MoD", owner=desk_staff)
    NoteFactory(opportunity=opportunity, author=desk_staff, body="Met at the expo.")
    return opportunity


@pytest.fixture
def other_team_opportunity(other_team, outsider):
    return OpportunityFactory(title="Europe frigate refit", team=other_team, owner=outsider)


@pytest.fixture
def extract(django_capture_on_commit_callbacks):
    """Extract as the worker does: commit, so the signal fires and the (eager) task runs."""

    def run(statement: Statement) -> list[Suggestion]:
        with django_capture_on_commit_callbacks(execute=True):
            statement_extract(statement_id=statement.pk)
        return list(Suggestion.objects.filter(statement=statement))

    return run


@pytest.fixture
def seed(reference) -> Statement:
    """The statement of the shared seed file, against the reference data."""
    if not SEED.exists():
        pytest.skip(f"seed statement not found at {SEED}")
    return statement_from_file(SEED)


@pytest.fixture
def local_fetching(settings) -> None:
    """The local test servers (127.0.0.1) may be fetched, with a short timeout."""
    settings.STATEMENTS_FETCH_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.STATEMENTS_FETCH_TIMEOUT = 1.0


@pytest.fixture(autouse=True)
def folder_roots_include_pytest_temp(settings, tmp_path_factory):
    """Folder sources may read only under STATEMENTS_FOLDER_ROOTS; tests make their folders
    under pytest's temporary directory (tests/statements/imports/test_folder_roots.py sets its
    own)."""
    base = str(tmp_path_factory.getbasetemp())
    settings.STATEMENTS_FOLDER_ROOTS = [*settings.STATEMENTS_FOLDER_ROOTS, base]


@dataclass
class Restricted:
    """Restricted records of the Japan desk, each beside an internal one that everyone sees."""

    opportunity: Opportunity  # restricted
    open_opportunity: Opportunity  # internal
    follow_up: FollowUp  # internal, of the restricted opportunity
    own_follow_up: FollowUp  # restricted, of the internal opportunity
    open_follow_up: FollowUp  # internal, of the internal opportunity
    note: Note  # restricted, of the internal opportunity
    open_note: Note
    statement: Statement  # restricted
    open_statement: Statement


@pytest.fixture
def restricted(team, desk_staff, team_lead) -> Restricted:
    """The work of tests/**/test_sensitivity*.py: a desk user (not cleared) must never see the
    restricted records, a team lead (cleared by the role setup) must."""
    secret = OpportunityFactory(
        team=team, title="Secret radar", external_id="SECRET-1", sensitivity="restricted"
    )
    shown = OpportunityFactory(team=team, title="Open sonar", external_id="OPEN-1")
    return Restricted(
        opportunity=secret,
        open_opportunity=shown,
        follow_up=FollowUpFactory(opportunity=secret, title="Call on the secret"),
        own_follow_up=FollowUpFactory(
            opportunity=shown, title="Restricted call", sensitivity="restricted"
        ),
        open_follow_up=FollowUpFactory(opportunity=shown, title="Open call"),
        note=NoteFactory(opportunity=shown, body="Restricted note", sensitivity="restricted"),
        open_note=NoteFactory(opportunity=shown, body="Open note"),
        statement=StatementFactory(title="Restricted briefing", sensitivity="restricted"),
        open_statement=StatementFactory(title="Open briefing"),
    )
