"""Every admin page of the opportunities app renders for a superuser in a fixed number of queries
(the check: tests/support/admin_pages.py)."""

from __future__ import annotations

import datetime

import pytest
from django.db.models import Model
from django.utils import timezone

from opportunities.models import (
    CalendarFeed,
    CommitmentCandidate,
    DigestLog,
    ExchangeRate,
    FollowUp,
    Note,
    Opportunity,
    Suggestion,
    Team,
    UploadJob,
    UploadRowError,
    Watch,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    SuggestionFactory,
    TeamFactory,
)
from tests.partners.factories import CountryFactory
from tests.support.admin_pages import (
    Rows,
    cases,
    page_check,
    shared_areas,
    shared_japan,
    shared_statement,
    shared_team,
)
from tests.tracker.factories import UserFactory

# Admins that refuse adding by design (rows come from imports and extraction).
ADD_REFUSED: set[type[Model]] = {DigestLog, CommitmentCandidate, WebhookDelivery, UploadJob}


def _endpoint(n: int) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(team=shared_team(), url=f"https://hooks.example.org/{n}")


def add_teams(count: int) -> None:
    member = UserFactory(username="member")
    for team in TeamFactory.create_batch(count, members=[member]):
        OpportunityFactory(team=team)


def add_opportunities(count: int) -> None:
    team, japan, france = shared_team(), shared_japan(), CountryFactory(code="FR")
    owner = team.members.first()
    today = timezone.localdate()
    for index, opportunity in enumerate(
        OpportunityFactory.create_batch(count, team=team, owner=owner, countries=[japan, france])
    ):
        # Half the list has an overdue follow-up, so the "overdue" marker renders too.
        days = -2 if index % 2 else 5
        FollowUpFactory(opportunity=opportunity, due_date=today + datetime.timedelta(days=days))
        FollowUpFactory(opportunity=opportunity, due_date=today + datetime.timedelta(days=9))
        NoteFactory(opportunity=opportunity, author=owner)
        opportunity.areas.add(*shared_areas())


def add_follow_ups(count: int) -> None:
    team = shared_team()
    owner = team.members.first()
    for index in range(count):
        FollowUpFactory(
            opportunity__team=team,
            owner=owner,
            due_date=timezone.localdate() + datetime.timedelta(days=index % 7 - 3),
        )


def add_notes(count: int) -> None:
    team = shared_team()
    NoteFactory.create_batch(count, opportunity__team=team, author=team.members.first())


def add_suggestions(count: int) -> None:
    statement, japan = shared_statement(), shared_japan()
    opportunity = OpportunityFactory(team=shared_team())
    for suggestion in SuggestionFactory.create_batch(
        count, statement=statement, opportunity=opportunity
    ):
        suggestion.countries.add(japan)


def add_digest_logs(count: int) -> None:
    start = DigestLog.objects.count()
    for n in range(count):
        DigestLog.objects.create(
            user=UserFactory(username=f"digest{start + n}"),
            day=timezone.localdate(),
            run="00000000-0000-0000-0000-000000000001",
            status=DigestLog.Status.SENT,
        )


def add_calendar_feeds(count: int) -> None:
    start = CalendarFeed.objects.count()
    for n in range(count):
        CalendarFeed.objects.create(user=UserFactory(username=f"calendar{start + n}"))


def add_watches(count: int) -> None:
    start = Watch.objects.count()
    user = UserFactory(username=f"watcher{start}")
    Watch.objects.bulk_create(
        Watch(user=user, kind=Watch.Kind.TERM, term=f"rafale {start + n}") for n in range(count)
    )


def add_commitments(count: int) -> None:
    statement, start = shared_statement(), CommitmentCandidate.objects.count()
    suggestion = SuggestionFactory(statement=statement)
    opportunity = OpportunityFactory(team=shared_team())
    CommitmentCandidate.objects.bulk_create(
        CommitmentCandidate(
            statement=statement,
            suggestion=suggestion,
            opportunity=opportunity if n % 2 else None,
            phrase="agreed to",
            sentence=f"Both sides agreed to meet {n} times.",
            start=(start + n) * 40,
        )
        for n in range(count)
    )


def add_webhook_endpoints(count: int) -> None:
    start = WebhookEndpoint.objects.count()
    for n in range(count):
        _endpoint(start + n)


def add_webhook_deliveries(count: int) -> None:
    endpoint = WebhookEndpoint.objects.first() or _endpoint(0)
    start = WebhookDelivery.objects.count()
    WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=endpoint,
            event=WebhookDelivery.Event.STAGE_CHANGED,
            key=f"stage:{start + n}",
            payload={"n": n},
            attempts=1,
            response_status=500,
            last_error="HTTP 500",
        )
        for n in range(count)
    )


def add_upload_jobs(count: int) -> None:
    user = UploadJob.objects.values_list("user", flat=True).first()
    user = user or UserFactory().pk
    made = UploadJob.objects.bulk_create(
        UploadJob(
            kind=UploadJob.Kind.OPPORTUNITIES,
            user_id=user,
            name=f"sheet-{n}.csv",
            data=b"external_id,title\n",
            status=UploadJob.Status.DONE,
            rows_total=10,
            rows_done=10,
            error_count=2,
        )
        for n in range(count)
    )
    UploadRowError.objects.bulk_create(
        UploadRowError(job=job, row=row, external_id=f"X-{row}", errors={"stage": ["Bad."]})
        for job in made
        for row in (2, 3)
    )


def add_exchange_rates(count: int) -> None:
    start = ExchangeRate.objects.count()
    first = datetime.date(2020, 1, 1)
    ExchangeRate.objects.bulk_create(
        ExchangeRate(
            currency="USD",
            quote="INR",
            rate=80 + n % 7,
            on=first + datetime.timedelta(days=start + n),
        )
        for n in range(count)
    )


ROWS = [
    Rows(Team, add_teams),
    Rows(Opportunity, add_opportunities),
    Rows(FollowUp, add_follow_ups),
    Rows(Note, add_notes),
    Rows(Suggestion, add_suggestions),
    Rows(DigestLog, add_digest_logs),
    Rows(CalendarFeed, add_calendar_feeds),
    Rows(Watch, add_watches),
    Rows(CommitmentCandidate, add_commitments),
    Rows(WebhookEndpoint, add_webhook_endpoints),
    Rows(WebhookDelivery, add_webhook_deliveries),
    Rows(UploadJob, add_upload_jobs),
    Rows(ExchangeRate, add_exchange_rates),
]

# Most queries each page may take: what it measured at 200 rows (the same on SQLite and
# PostgreSQL), plus two. The count includes the session and user look-ups and the savepoints of
# ATOMIC_REQUESTS.
BUDGETS: dict[type[Model], tuple[int, int, int, int]] = {
    # model: (changelist, change, add, history)
    Team: (9, 9, 7, 13),
    Opportunity: (16, 19, 7, 30),
    FollowUp: (11, 9, 6, 9),
    Note: (12, 9, 6, 9),
    Suggestion: (12, 14, 6, 8),
    DigestLog: (11, 8, 7, 9),
    CalendarFeed: (9, 8, 6, 9),
    Watch: (9, 8, 6, 9),
    CommitmentCandidate: (11, 9, 7, 8),
    WebhookEndpoint: (10, 8, 7, 9),
    WebhookDelivery: (11, 7, 7, 9),
    UploadJob: (9, 9, 7, 8),
    ExchangeRate: (11, 7, 6, 8),
}


@pytest.mark.parametrize(("rows", "page"), cases(ROWS))
def test_admin_page_renders_in_a_query_budget_that_does_not_grow_with_rows(
    rows: Rows, page: str, superuser, session_for, django_assert_max_num_queries
) -> None:
    page_check(
        rows, page, session_for(superuser), BUDGETS, ADD_REFUSED, django_assert_max_num_queries
    )
