"""Every admin page of our apps renders for a superuser in a fixed number of queries.

Each page is measured twice, with 20 and with 200 rows of its model, so an N+1 (a query per row
shown, or per related object) shows up as a count that grows with the table, not just as a number
over budget.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pycountry
import pytest
from django.contrib import admin
from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
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
from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening, Term
from statements.models import (
    Commitment,
    ImportRun,
    Mention,
    NameCandidate,
    RawItem,
    Source,
    Statement,
    Story,
)
from tests.opportunities.factories import (
    FollowUpFactory,
    NoteFactory,
    OpportunityFactory,
    SuggestionFactory,
    TeamFactory,
)
from tests.partners.factories import (
    ContactFactory,
    CountryFactory,
    FirmFactory,
    InvestmentAreaFactory,
    PolicyOpeningFactory,
)
from tests.statements.factories import (
    ImportRunFactory,
    MentionFactory,
    SourceFactory,
    StatementFactory,
)
from tests.tracker.factories import UserFactory

APPS = ("partners", "statements", "opportunities")
SMALL, LARGE = 20, 200
PAGES = ("changelist", "change", "add", "history")
# Admins that refuse adding by design (rows come from imports and extraction).
ADD_REFUSED = {
    ImportRun,
    UploadJob,
    Mention,
    RawItem,
    DigestLog,
    CommitmentCandidate,
    WebhookDelivery,
    Commitment,
    NameCandidate,
    Story,
}


# --- rows ------------------------------------------------------------------------------------


def _japan() -> Country:
    return CountryFactory(code="JP")


def _team() -> Team:
    team = Team.objects.filter(name="Pages team").first()
    return team or TeamFactory(name="Pages team", members=[UserFactory(username="member")])


def _source() -> Source:
    return Source.objects.filter(name="Shared source").first() or SourceFactory(
        name="Shared source", country=_japan()
    )


def _statement() -> Statement:
    return Statement.objects.filter(title="Shared statement").first() or StatementFactory(
        title="Shared statement", source=_source()
    )


def _areas() -> list[InvestmentArea]:
    areas = list(InvestmentArea.objects.filter(slug__in=["shared-a", "shared-b"]))
    return areas or [
        InvestmentAreaFactory(name="Shared A", slug="shared-a"),
        InvestmentAreaFactory(name="Shared B", slug="shared-b"),
    ]


def add_countries(count: int) -> None:
    taken = set(Country.objects.values_list("code", flat=True))
    fresh = [
        c for c in sorted(pycountry.countries, key=lambda c: c.alpha_2) if c.alpha_2 not in taken
    ]
    for country in fresh[:count]:
        CountryFactory(
            code=country.alpha_2,
            alpha_3=country.alpha_3,
            name=country.name,
            official_name=getattr(country, "official_name", ""),
            demonyms=[f"{country.name}ish"],
        )


def add_areas(count: int) -> None:
    parent = _areas()[0]
    InvestmentAreaFactory.create_batch(count, parent=parent)


def add_firms(count: int) -> None:
    areas = _areas()
    for firm in FirmFactory.create_batch(count):
        firm.areas.add(*areas)


def add_contacts(count: int) -> None:
    ContactFactory.create_batch(count)


def add_policy_openings(count: int) -> None:
    areas = _areas()
    for opening in PolicyOpeningFactory.create_batch(count, effective_date=timezone.localdate()):
        opening.areas.add(*areas)


def add_sources(count: int) -> None:
    SourceFactory.create_batch(count, country=_japan())


def add_statements(count: int) -> None:
    source, japan = _source(), _japan()
    for statement in StatementFactory.create_batch(count, source=source):
        statement.countries.add(japan)
        MentionFactory(statement=statement, country=japan)


def add_stories(count: int) -> None:
    """Stories of a lead and a copy each, as grouping at import makes them."""
    source = _source()
    for _ in range(count):
        story = Story.objects.create(title="A story", source=source)
        StatementFactory(source=source, story=story)
        StatementFactory(source=source, story=story, is_copy=True)


def add_import_runs(count: int) -> None:
    ImportRunFactory.create_batch(count, source=_source(), finished_at=timezone.now())


def add_raw_items(count: int) -> None:
    source = _source()
    for statement in StatementFactory.create_batch(count, source=source):
        RawItem.objects.create(
            source=source,
            name=f"{statement.title}.txt",
            body=statement.text.encode(),
            body_hash=statement.content_hash,
            status=RawItem.Status.PARSED,
            statement=statement,
        )


def add_mentions(count: int) -> None:
    MentionFactory.create_batch(count, statement=_statement(), country=_japan())


def add_teams(count: int) -> None:
    member = UserFactory(username="member")
    for team in TeamFactory.create_batch(count, members=[member]):
        OpportunityFactory(team=team)


def add_opportunities(count: int) -> None:
    team, japan, france = _team(), _japan(), CountryFactory(code="FR")
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
        opportunity.areas.add(*_areas())


def add_follow_ups(count: int) -> None:
    team = _team()
    owner = team.members.first()
    for index in range(count):
        FollowUpFactory(
            opportunity__team=team,
            owner=owner,
            due_date=timezone.localdate() + datetime.timedelta(days=index % 7 - 3),
        )


def add_notes(count: int) -> None:
    team = _team()
    NoteFactory.create_batch(count, opportunity__team=team, author=team.members.first())


def add_suggestions(count: int) -> None:
    statement, japan = _statement(), _japan()
    opportunity = OpportunityFactory(team=_team())
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
    statement, start = _statement(), CommitmentCandidate.objects.count()
    suggestion = SuggestionFactory(statement=statement)
    opportunity = OpportunityFactory(team=_team())
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


def add_terms(count: int) -> None:
    start = Term.objects.count()
    Term.objects.bulk_create(
        Term(kind=Term.Kind.PLACE, phrase=f"Place {start + n}") for n in range(count)
    )


def add_statement_commitments(count: int) -> None:
    statement, start = _statement(), Commitment.objects.count()
    Commitment.objects.bulk_create(
        Commitment(
            statement=statement,
            phrase="agreed to",
            sentence=f"Both sides agreed to meet {n} times.",
            start=(start + n) * 40,
            end=(start + n) * 40 + 30,
            countries=["IN", "JP"],
        )
        for n in range(count)
    )


def add_name_candidates(count: int) -> None:
    statement, start, japan = _statement(), NameCandidate.objects.count(), _japan()
    similar = FirmFactory(country=japan)
    NameCandidate.objects.bulk_create(
        NameCandidate(
            statement=statement,
            kind=NameCandidate.Kind.ORGANISATION,
            name=f"Candidate {start + n} Limited",
            sentence="Candidate Limited signed.",
            start=n,
            country=japan,
            similar_firm=similar if n % 2 else None,
        )
        for n in range(count)
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


def _endpoint(n: int) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(team=_team(), url=f"https://hooks.example.org/{n}")


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


@dataclass(frozen=True)
class Rows:
    model: type[Model]
    add: Callable[[int], None]

    def __str__(self) -> str:
        return self.model._meta.model_name


ROWS = [
    Rows(Country, add_countries),
    Rows(InvestmentArea, add_areas),
    Rows(Firm, add_firms),
    Rows(Contact, add_contacts),
    Rows(PolicyOpening, add_policy_openings),
    Rows(Source, add_sources),
    Rows(Statement, add_statements),
    Rows(Story, add_stories),
    Rows(ImportRun, add_import_runs),
    Rows(RawItem, add_raw_items),
    Rows(Mention, add_mentions),
    Rows(Team, add_teams),
    Rows(Opportunity, add_opportunities),
    Rows(FollowUp, add_follow_ups),
    Rows(Note, add_notes),
    Rows(Suggestion, add_suggestions),
    Rows(DigestLog, add_digest_logs),
    Rows(CalendarFeed, add_calendar_feeds),
    Rows(Watch, add_watches),
    Rows(CommitmentCandidate, add_commitments),
    Rows(Term, add_terms),
    Rows(Commitment, add_statement_commitments),
    Rows(NameCandidate, add_name_candidates),
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
    Country: (9, 7, 6, 9),
    InvestmentArea: (10, 7, 6, 9),
    Firm: (12, 10, 6, 15),
    Contact: (10, 9, 6, 9),
    PolicyOpening: (12, 10, 6, 15),
    Source: (9, 8, 6, 9),
    Statement: (12, 15, 6, 8),
    Story: (12, 12, 7, 9),
    ImportRun: (12, 8, 7, 9),
    RawItem: (12, 8, 7, 9),
    Mention: (9, 9, 7, 8),
    Team: (9, 9, 7, 13),
    Opportunity: (16, 19, 7, 30),
    FollowUp: (11, 9, 6, 9),
    Note: (12, 9, 6, 9),
    Suggestion: (12, 14, 6, 8),
    DigestLog: (11, 8, 7, 9),
    CalendarFeed: (9, 8, 6, 9),
    Watch: (9, 8, 6, 9),
    CommitmentCandidate: (11, 9, 7, 8),
    Term: (9, 7, 6, 8),
    Commitment: (10, 8, 7, 8),
    NameCandidate: (9, 9, 7, 8),
    WebhookEndpoint: (10, 8, 7, 9),
    WebhookDelivery: (11, 7, 7, 9),
    UploadJob: (9, 9, 7, 8),
    ExchangeRate: (11, 7, 6, 8),
}


def _cases() -> list:
    cases = []
    for rows in ROWS:
        for page in PAGES:
            cases.append(pytest.param(rows, page, id=f"{rows}-{page}"))
    return cases


def test_every_admin_model_of_our_apps_has_rows_and_a_budget() -> None:
    registered = {model for model in admin.site._registry if model._meta.app_label in APPS}
    assert registered == {rows.model for rows in ROWS}
    assert set(BUDGETS) == registered


def _url(model: type[Model], page: str) -> str:
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}_{page}"
    if page in {"change", "history"}:
        return reverse(name, args=[model.objects.order_by("pk").first().pk])
    return reverse(name)


@pytest.mark.parametrize(("rows", "page"), _cases())
def test_admin_page_renders_in_a_query_budget_that_does_not_grow_with_rows(
    rows: Rows, page: str, superuser, session_for, django_assert_max_num_queries
) -> None:
    client = session_for(superuser)
    expected_status = 403 if page == "add" and rows.model in ADD_REFUSED else 200
    rows.add(SMALL)
    url = _url(rows.model, page)
    client.get(url)  # warm the per-process caches (content types, templates)

    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == expected_status

    rows.add(LARGE - SMALL)
    assert rows.model.objects.count() >= LARGE
    budget = BUDGETS[rows.model][PAGES.index(page)]
    with django_assert_max_num_queries(budget) as large:
        response = client.get(url)
    assert response.status_code == expected_status
    if page == "changelist":
        assert response.context["cl"].result_count == rows.model.objects.count()
    assert len(large) == len(small), "the page costs more queries with more rows"
