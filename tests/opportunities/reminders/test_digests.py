"""The daily digest against a known data set: who gets which mail, with which items, once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from opportunities.models import DigestLog, FollowUp, Opportunity, Watch, WatchMatch
from opportunities.reminders.digest_mail import digests_deliver
from opportunities.reminders.digests import digests_collect
from opportunities.reminders.tasks import send_daily_digests
from tests.opportunities.factories import FollowUpFactory, OpportunityFactory, TeamFactory
from tests.statements.factories import StatementFactory
from tests.tracker.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tasks_in_process")]

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def make_quiet(opportunity: Opportunity, n_days: int) -> None:
    when = timezone.now() - datetime.timedelta(days=n_days)
    Opportunity.objects.filter(pk=opportunity.pk).update(stage_changed_at=when)
    FollowUp.objects.filter(opportunity=opportunity).update(updated_at=when)


@pytest.fixture
def data_set(team, team_lead, desk_staff, other_team, roles, settings):
    """Japan desk: lead, desk (with follow-ups), bob (stale only), carol (no e-mail address),
    dave (inactive). Europe desk: the outsider, whose overdue item must reach no Japan mail."""
    settings.REMINDERS_LEAD_OVERDUE_DAYS = 3
    settings.REMINDERS_STALE_DAYS = {"engaged": 14}
    settings.TRACKER_SITE_URL = "https://tracker.example.org"
    bob = UserFactory(username="bob")
    carol = UserFactory(username="carol", email="")
    dave = UserFactory(username="dave", is_active=False)
    team.members.add(bob, carol, dave)
    radar = OpportunityFactory(title="Radar co-development", team=team, owner=desk_staff)
    rows = {
        "late": FollowUpFactory(
            opportunity=radar, owner=desk_staff, title="Send the MoU draft", due_date=days(-5)
        ),
        "yesterday": FollowUpFactory(
            opportunity=radar, owner=desk_staff, title="Call ATLA", due_date=days(-1)
        ),
        "today": FollowUpFactory(
            opportunity=radar, owner=desk_staff, title="Book the visit", due_date=TODAY
        ),
        "week": FollowUpFactory(
            opportunity=radar, owner=desk_staff, title="Review pricing", due_date=days(6)
        ),
        "far": FollowUpFactory(
            opportunity=radar, owner=desk_staff, title="Annual review", due_date=days(30)
        ),
        "done": FollowUpFactory(
            opportunity=radar,
            owner=desk_staff,
            title="Old call",
            due_date=days(-9),
            status="done",
            completed_at=timezone.now(),
        ),
        "carol": FollowUpFactory(
            opportunity=radar, owner=carol, title="Carol's chase", due_date=days(-8)
        ),
        "dave": FollowUpFactory(opportunity=radar, owner=dave, title="Dave's", due_date=days(-8)),
    }
    quiet = OpportunityFactory(title="Sonar quiet", team=team, owner=bob, stage="engaged")
    make_quiet(quiet, 20)
    outsider = other_team.members.get()
    frigate = OpportunityFactory(title="Frigate refit", team=other_team, owner=outsider)
    rows["europe"] = FollowUpFactory(
        opportunity=frigate, owner=outsider, title="Europe chase", due_date=days(-10)
    )
    return rows


def mail_to(address: str) -> mail.EmailMultiAlternatives:
    (message,) = [m for m in mail.outbox if m.to == [address]]
    return message


def test_who_gets_which_mail_with_which_items(data_set) -> None:
    result = send_daily_digests.delay().get()

    assert result == {"due": 4, "sent": 4, "failed": 0, "skipped": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "bob@example.org",
        "desk@example.org",
        "lead@example.org",
        "outsider@example.org",
    ]
    desk = mail_to("desk@example.org").body
    assert desk.index("== Overdue (2) ==") < desk.index("Send the MoU draft")
    assert desk.index("Send the MoU draft") < desk.index("Call ATLA")
    assert desk.index("== Due today (1) ==") < desk.index("Book the visit")
    assert desk.index("== Due this week (1) ==") < desk.index("Review pricing")
    for absent in ("Annual review", "Old call", "Carol's chase", "Europe chase", "Sonar quiet"):
        assert absent not in desk
    late = data_set["late"].pk
    assert f"https://tracker.example.org/admin/opportunities/followup/{late}/change/" in desk

    bob = mail_to("bob@example.org").body
    assert "== Quiet too long (1) ==" in bob and "Sonar quiet" in bob
    assert "Engaged, quiet for 20 days" in bob

    # The lead's team section: overdue by more than 3 days, from anyone in their team, but never
    # the other team's.
    lead = mail_to("lead@example.org").body
    assert "Japan desk: overdue by more than 3 days (3)" in lead
    for title in ("Send the MoU draft", "Carol's chase", "Dave's"):
        assert title in lead
    assert "Call ATLA" not in lead and "Europe chase" not in lead
    assert "Europe desk" not in lead

    outsider = mail_to("outsider@example.org").body
    assert "Europe chase" in outsider and "Radar" not in outsider


def test_each_mail_has_plain_and_html_parts_with_escaped_titles(data_set) -> None:
    data_set["today"].title = "Brief <b>R&D</b> team"
    data_set["today"].save()
    send_daily_digests.delay()

    message = mail_to("desk@example.org")
    assert "Brief <b>R&D</b> team" in message.body
    ((html, kind),) = message.alternatives
    assert kind == "text/html"
    assert "Brief &lt;b&gt;R&amp;D&lt;/b&gt; team" in html
    assert 'href="https://tracker.example.org/admin/opportunities/followup/' in html
    assert message.subject.endswith("2 overdue, 1 due today")
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"


def test_running_twice_sends_nothing_twice(data_set) -> None:
    send_daily_digests.delay()
    assert len(mail.outbox) == 4

    again = send_daily_digests.delay().get()

    # Those already sent today are not even read again.
    assert again == {"due": 0, "sent": 0, "failed": 0, "skipped": 0}
    assert len(mail.outbox) == 4
    assert DigestLog.objects.filter(day=TODAY, status="sent").count() == 4
    # The next day is a new digest.
    send_daily_digests.delay(str(days(1)))
    assert len(mail.outbox) == 8


def test_a_run_racing_another_sends_only_what_it_claimed(data_set) -> None:
    # Run A reads everything, then run B sends every mail before A claims any.
    now = timezone.now()
    collected_by_a = digests_collect(day=TODAY, now=now)
    assert send_daily_digests.delay().get()["sent"] == 4

    late = digests_deliver(digests=collected_by_a, day=TODAY)

    assert late == {"due": 4, "sent": 0, "failed": 0, "skipped": 4}
    assert len(mail.outbox) == 4


def test_a_section_past_its_limit_links_to_the_rest(team, desk_staff) -> None:
    opportunity = OpportunityFactory(team=team, owner=desk_staff)
    FollowUp.objects.bulk_create(
        FollowUp(opportunity=opportunity, owner=desk_staff, title=f"Chase {n}", due_date=days(-1))
        for n in range(57)
    )
    send_daily_digests.delay()

    body = mail_to("desk@example.org").body
    assert body.count("- ") >= 50 and "Chase 56" not in body
    assert "... and 7 more: http" in body and "?mine=open&due=overdue" in body


@pytest.mark.parametrize("owners", [3, 15])
def test_queries_do_not_grow_with_owners(team, owners, django_assert_max_num_queries) -> None:
    for n in range(owners):
        owner = UserFactory(username=f"owner{n}")
        team.members.add(owner)
        opportunity = OpportunityFactory(team=team, owner=owner, stage="engaged")
        FollowUpFactory(opportunity=opportunity, owner=owner, due_date=days(-n - 4))
        quiet = OpportunityFactory(team=team, owner=owner, stage="engaged")
        make_quiet(quiet, 60)
        # And a watched statement for each: the digest's watching section is one query.
        watch = Watch.objects.create(user=owner, kind=Watch.Kind.TERM, term="rafale")
        WatchMatch.objects.create(watch=watch, statement=StatementFactory())
    with django_assert_max_num_queries(11):
        result = send_daily_digests.delay().get()
    # Everyone, and the team lead for the team's items overdue by more than 3 days.
    assert result["sent"] == owners + 1


def test_delivers_through_a_real_smtp_server(data_set, smtp_server) -> None:
    smtp_server.refuse = {"bob@example.org"}

    first = send_daily_digests.delay().get()

    assert first == {"due": 4, "sent": 3, "failed": 1, "skipped": 0}
    received = {message["To"]: message for message in smtp_server.messages}
    assert set(received) == {"desk@example.org", "lead@example.org", "outsider@example.org"}
    desk = received["desk@example.org"]
    assert desk.is_multipart()
    kinds = [part.get_content_type() for part in desk.walk() if not part.is_multipart()]
    assert kinds == ["text/plain", "text/html"]
    assert "Send the MoU draft" in desk.get_payload(0).get_payload(decode=True).decode()
    # Bob's refused mail released his claim; once his address works he gets it, nobody twice.
    assert not DigestLog.objects.filter(user__username="bob").exists()
    smtp_server.refuse = set()

    second = send_daily_digests.delay().get()

    assert second == {"due": 1, "sent": 1, "failed": 0, "skipped": 0}
    assert [message["To"] for message in smtp_server.messages].count("desk@example.org") == 1
    assert smtp_server.messages[-1]["To"] == "bob@example.org"


def test_mail_server_down_releases_every_claim(data_set, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2

    result = send_daily_digests.delay().get()

    assert result == {"due": 4, "sent": 0, "failed": 4, "skipped": 0}
    assert not DigestLog.objects.exists()


def test_team_without_a_lead_role_gets_no_team_section(data_set, roles) -> None:
    TeamFactory(name="Empty desk")
    send_daily_digests.delay()
    assert "overdue by more than" not in mail_to("desk@example.org").body


def test_staff_see_only_their_own_digest_log(data_set, desk_staff, session_for, superuser) -> None:
    send_daily_digests.delay()
    changelist = reverse("admin:opportunities_digestlog_changelist")

    mine = session_for(desk_staff).get(changelist)
    assert [log.user for log in mine.context["cl"].result_list] == [desk_staff]
    assert session_for(superuser).get(changelist).context["cl"].result_count == 4
