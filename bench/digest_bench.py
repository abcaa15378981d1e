"""The daily digest run at scale, on PostgreSQL: time, queries, mails.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_remind DEBUG=1 \\
        .venv/bin/python bench/digest_bench.py [--opportunities N] [--follow-ups N] [--owners N]

The database named in DATABASE_URL is DROPPED and created again, so name one of your own. Mail
goes to Django's in-memory backend: the figures are the database work and the rendering of every
mail, not an SMTP server's speed. See README.md.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import platform
import random
import resource
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 30
TEAM_SIZE = 10
BATCH = 5000


def recreate_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not parts.scheme.startswith("postgres") or name in {"", "postgres", "tracker"}:
        sys.exit("Give a PostgreSQL DATABASE_URL naming a database of your own (it is dropped).")
    server = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def setup_django() -> None:
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    call_command("migrate", verbosity=0)
    call_command("setup_roles", stdout=io.StringIO())


def timed(label: str, function):
    started = time.perf_counter()
    result = function()
    print(f"{label}: {time.perf_counter() - started:.2f} s", flush=True)
    return result


def populate(*, opportunities: int, follow_ups: int, owners: int, seed: int) -> None:
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.utils import timezone

    from opportunities.models import FollowUp, Note, Opportunity, Team
    from opportunities.roles import TEAM_LEAD

    rng = random.Random(seed)
    user_model = get_user_model()
    teams = Team.objects.bulk_create(
        Team(name=f"Desk {n:03d}") for n in range(max(1, owners // TEAM_SIZE))
    )
    users = user_model.objects.bulk_create(
        user_model(username=f"owner{n:04d}", email=f"owner{n:04d}@example.org", is_staff=True)
        for n in range(owners)
    )
    leads = user_model.objects.bulk_create(
        user_model(username=f"lead{n:03d}", email=f"lead{n:03d}@example.org", is_staff=True)
        for n in range(len(teams))
    )
    Group.objects.get(name=TEAM_LEAD).user_set.add(*leads)
    membership = Team.members.through
    team_of = {user.pk: teams[index % len(teams)] for index, user in enumerate(users)}
    membership.objects.bulk_create(
        [membership(team_id=team_of[user.pk].pk, user_id=user.pk) for user in users]
        + [
            membership(team_id=team.pk, user_id=lead.pk)
            for team, lead in zip(teams, leads, strict=True)
        ]
    )

    now = timezone.now()
    open_stages = [s for s in Opportunity.Stage.values if s not in Opportunity.CLOSED_STAGES]
    rows = []
    for n in range(opportunities):
        owner = rng.choice(users)
        closed = rng.random() < 0.15
        rows.append(
            Opportunity(
                title=f"Opportunity {n}",
                team=team_of[owner.pk],
                owner=owner,
                stage=rng.choice(["won", "lost"]) if closed else rng.choice(open_stages),
                close_reason="Decided" if closed else "",
                stage_changed_at=now - datetime.timedelta(days=rng.uniform(0, 120)),
            )
        )
    Opportunity.objects.bulk_create(rows, batch_size=BATCH)
    ids = list(Opportunity.objects.values_list("pk", "owner_id"))
    today = timezone.localdate()
    statuses = ["open"] * 6 + ["done"] * 3 + ["cancelled"]
    rows = []
    for n in range(follow_ups):
        opportunity_id, owner_id = rng.choice(ids)
        status = rng.choice(statuses)
        rows.append(
            FollowUp(
                opportunity_id=opportunity_id,
                owner_id=owner_id if rng.random() < 0.9 else rng.choice(users).pk,
                title=f"Follow-up {n}",
                due_date=today + datetime.timedelta(days=rng.randint(-90, 90)),
                status=status,
                completed_at=now if status == "done" else None,
            )
        )
        if len(rows) == BATCH:
            FollowUp.objects.bulk_create(rows)
            rows = []
    FollowUp.objects.bulk_create(rows)
    Note.objects.bulk_create(
        (
            Note(opportunity_id=rng.choice(ids)[0], body="Spoke to them.")
            for _ in range(opportunities // 2)
        ),
        batch_size=BATCH,
    )
    # bulk_create stamps "now"; spread the activity over the last four months instead.
    with connection.cursor() as cursor:
        for table, column in (
            ("opportunities_followup", "updated_at"),
            ("opportunities_note", "created_at"),
        ):
            cursor.execute(f"UPDATE {table} SET {column} = now() - random() * interval '120 days'")
        cursor.execute("ANALYZE")


def measure() -> None:
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from opportunities.models import DigestLog, FollowUp, Opportunity
    from opportunities.reminders.digest_mail import digests_send

    print(
        f"data: {Opportunity.objects.count():,} opportunities, "
        f"{FollowUp.objects.count():,} follow-ups "
        f"({FollowUp.objects.filter(status='open').count():,} open), "
        f"{Opportunity.objects.values('owner').distinct().count():,} owners"
    )
    stale = timed("stale opportunities (count)", lambda: Opportunity.objects.stale().count())
    print(f"  {stale:,} stale")
    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = digests_send()
        elapsed = time.perf_counter() - started
    items = sum(DigestLog.objects.values_list("item_count", flat=True))
    verdict = "met" if elapsed < TARGET_SECONDS else "MISSED"
    print(
        f"digest run: {elapsed:.2f} s, {len(queries)} queries, {result['sent']} mails, "
        f"{items:,} items listed (target < {TARGET_SECONDS} s: {verdict})"
    )
    body_kb = sum(len(m.body) + len(m.alternatives[0][0]) for m in mail.outbox) / 1024
    print(f"  mail size: {body_kb / max(1, len(mail.outbox)):.1f} KB per person (text + HTML)")
    with CaptureQueriesContext(connection) as again:
        started = time.perf_counter()
        second = digests_send()
        elapsed = time.perf_counter() - started
    print(
        f"second run the same day: {elapsed:.2f} s, {len(again)} queries, "
        f"{second['sent']} mails sent, {second['skipped']} skipped"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:.0f} MB")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--follow-ups", type=int, default=300_000)
    parser.add_argument("--owners", type=int, default=200)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "")
    recreate_database(url)
    print(f"{datetime.date.today()}, {platform.node()}, Python {platform.python_version()}")
    print(
        f"sizes: {args.opportunities:,} opportunities, {args.follow_ups:,} follow-ups, "
        f"{args.owners} owners"
    )
    setup_django()
    timed(
        "populate",
        lambda: populate(
            opportunities=args.opportunities,
            follow_ups=args.follow_ups,
            owners=args.owners,
            seed=args.seed,
        ),
    )
    measure()


if __name__ == "__main__":
    main()
