"""Server time of the dashboards (overview, pipeline board, partnership page) on PostgreSQL,
at two data sizes in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_dash \\
        .venv/bin/python bench/dashboard_bench.py [--sizes 10000,100000] [--runs N] [--reset]

Each size lives in a PostgreSQL schema of its own (`bench_10000`, `bench_100000`) of that one
database, generated once (--reset starts again): N opportunities over 8 teams and 40 owners,
each with 1-2 partner countries and 1-3 investment areas, 3 follow-ups each, 2,000
statements, 200 suggestions and 30 sources with runs, all with bulk_create, then the tallies
rebuilt (`manage.py tallies_rebuild`). Then times each page through Django's full request
stack (test Client: middleware, session, view, template) for a team lead of two teams and for
a superuser, and prints median, p95, the ratio of the medians between the sizes, and the
slowest queries of one request. See README.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")
# Tasks in-process on purpose: with DEBUG off, a missing broker is otherwise refused.
os.environ.setdefault("TRACKER_EMBEDDED", "1")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Production settings, except static file names: no collectstatic manifest is built for a bench.
settings.STORAGES["staticfiles"]["BACKEND"] = (
    "django.contrib.staticfiles.storage.StaticFilesStorage"
)
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from opportunities.models import FollowUp, Opportunity, Suggestion, Team  # noqa: E402
from opportunities.tallies.keep import tallies_rebuild  # noqa: E402
from partners.models import Country, InvestmentArea  # noqa: E402
from statements.models import ImportRun, Source, Statement  # noqa: E402

User = get_user_model()
BATCH = 5_000
TEAMS = 8
OWNERS = 40
FOLLOW_UPS_EACH = 3
TARGET_MS = {"overview": 150, "board": 200, "partnership": 150}
RATIO = 1.5  # the median at the larger size within 1.5x of the median at the smaller
USERS = [("bench-lead", "team lead of 2 of 8 teams"), ("bench-admin", "superuser")]


def generate(opportunities: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    call_command("load_reference", verbosity=0)
    countries = list(Country.objects.exclude(code=settings.TRACKER_HOME_COUNTRY)[:60])
    areas = list(InvestmentArea.objects.all())
    teams = Team.objects.bulk_create(Team(name=f"Bench team {n}") for n in range(TEAMS))
    owners = User.objects.bulk_create(
        User(username=f"bench{n}", is_staff=True, first_name=f"Owner{n}") for n in range(OWNERS)
    )
    lead = User.objects.create_user("bench-lead", password="bench-pass", is_staff=True)
    for n, team in enumerate(teams):
        team.members.add(*owners[n::TEAMS], *([lead] if n < 2 else []))
    User.objects.create_superuser("bench-admin", password="bench-pass")

    stages = Opportunity.Stage.values
    weights = [30, 20, 15, 10, 5, 10, 8, 2]
    now = timezone.now()
    started = time.perf_counter()
    made = 0
    while made < opportunities:
        size = min(BATCH, opportunities - made)
        batch = []
        for i in range(made, made + size):
            stage = rng.choices(stages, weights)[0]
            closed = stage in Opportunity.CLOSED_STAGES
            batch.append(
                Opportunity(
                    title=f"Bench opportunity {i}",
                    team=teams[i % TEAMS],
                    owner=owners[rng.randrange(OWNERS)] if rng.random() < 0.9 else None,
                    stage=stage,
                    close_reason="Bench" if closed else "",
                    closed_at=now - datetime.timedelta(days=rng.randrange(730)) if closed else None,
                    value=rng.randrange(1, 900) * 1_000_000 if rng.random() < 0.8 else None,
                    currency=rng.choice(["USD", "USD", "INR", "EUR", "JPY"]),
                    probability=rng.randrange(0, 101),
                )
            )
        with transaction.atomic():
            rows = Opportunity.objects.bulk_create(batch, batch_size=BATCH)
            Opportunity.countries.through.objects.bulk_create(
                [
                    Opportunity.countries.through(opportunity_id=row.pk, country_id=country.pk)
                    for row in rows
                    for country in rng.sample(countries, rng.choice([1, 1, 2]))
                ],
                batch_size=BATCH,
            )
            Opportunity.areas.through.objects.bulk_create(
                [
                    Opportunity.areas.through(opportunity_id=row.pk, investmentarea_id=area.pk)
                    for row in rows
                    for area in rng.sample(areas, rng.choice([1, 2, 3]))
                ],
                batch_size=BATCH,
            )
            today = timezone.localdate()
            FollowUp.objects.bulk_create(
                [
                    FollowUp(
                        opportunity_id=row.pk,
                        title=f"Follow-up {n}",
                        owner=owners[rng.randrange(OWNERS)],
                        due_date=today + datetime.timedelta(days=rng.randrange(-120, 120)),
                        status=FollowUp.Status.OPEN if n == FOLLOW_UPS_EACH - 1 else "done",
                        completed_at=None if n == FOLLOW_UPS_EACH - 1 else now,
                    )
                    for row in rows
                    for n in range(FOLLOW_UPS_EACH)
                ],
                batch_size=BATCH,
            )
        made += size
        print(f"  {made:,} opportunities ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:  # spread creation dates over two years
        cursor.execute(
            "UPDATE opportunities_opportunity"
            " SET created_at = now() - mod(id, 730) * interval '1 day'"
        )

    tallies_rebuild()  # the data was made in bulk and redated by SQL, not by the services
    sources = Source.objects.bulk_create(
        Source(name=f"Bench source {n}", kind=Source.Kind.FEED, url=f"https://example.org/{n}.xml")
        for n in range(30)
    )
    ImportRun.objects.bulk_create(
        ImportRun(
            source=source,
            started_at=now - datetime.timedelta(hours=6 * k),
            status=rng.choice(["ok", "ok", "ok", "failed", "not_modified"]),
        )
        for source in sources
        for k in range(40)
    )
    statements = Statement.objects.bulk_create(
        Statement(
            source=sources[n % len(sources)],
            title=f"Bench statement {n}",
            text="India and Japan discussed co-development. " * 20,
            content_hash=f"bench-{n:058d}",
            published_on=(now - datetime.timedelta(days=n % 400)).date(),
        )
        for n in range(2_000)
    )
    Suggestion.objects.bulk_create(
        Suggestion(statement=statement, key=f"IN-B{n}", title=f"Bench suggestion {n}")
        for n, statement in enumerate(statements[:200])
    )
    with connection.cursor() as cursor:
        # The dates' UPDATE left every opportunity row twice: compact the table as a database
        # that grew row by row would be, then what autovacuum would have done by then.
        cursor.execute("VACUUM FULL opportunities_opportunity")
        cursor.execute("VACUUM ANALYZE")


def pages() -> dict[str, str]:
    partner = (
        Opportunity.countries.through.objects.values_list("country__code", flat=True)
        .order_by("country_id")
        .first()
    )
    return {
        "overview": "/",
        "board": reverse("dashboards:board"),
        "partnership": reverse(
            "dashboards:partnership",
            kwargs={"first": settings.TRACKER_HOME_COUNTRY, "second": partner},
        ),
    }


def time_page(path: str, username: str, runs: int) -> tuple[list[float], list[dict]]:
    client = Client()
    client.force_login(User.objects.get(username=username))
    for _ in range(3):  # warm caches and the connection
        assert client.get(path).status_code == 200, path
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return timings, queries.captured_queries


def use_schema(schema: str) -> None:
    """Point the connection at `schema` (made if missing): every size has its own tables."""
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    # Set on the connection's options, so every new connection (one per request) uses it too.
    connection.settings_dict.setdefault("OPTIONS", {})["options"] = f"-c search_path={schema}"
    connection.close()


def prepare(size: int, reset: bool) -> None:
    use_schema(f"bench_{size}")
    call_command("migrate", verbosity=0)
    if reset:
        call_command("flush", interactive=False, verbosity=0)
    present = Opportunity.objects.count()
    if present != size:
        if present:
            sys.exit(f"{present:,} opportunities in bench_{size}, not {size:,}: rerun with --reset")
        print(f"Generating {size:,} opportunities in schema bench_{size}", flush=True)
        started = time.perf_counter()
        generate(size)
        print(f"Generated in {time.perf_counter() - started:.0f} s", flush=True)
    print(
        f"bench_{size}: {Opportunity.objects.count():,} opportunities, "
        f"{FollowUp.objects.count():,} follow-ups, "
        f"{Opportunity.countries.through.objects.count():,} country links, "
        f"{Opportunity.areas.through.objects.count():,} area links, "
        f"{Statement.objects.count():,} statements, {Source.objects.count()} sources"
    )


def measure(sizes: list[int], runs: int) -> dict[int, dict[tuple[str, str], float]]:
    """Each page and user at every size in turn, so that a change in the machine's load
    during the run weighs on both sizes alike rather than on the later one."""
    medians: dict[int, dict[tuple[str, str], float]] = {size: {} for size in sizes}
    use_schema(f"bench_{sizes[0]}")
    paths = pages()
    for page, path in paths.items():
        for username, who in USERS:
            for size in sizes:
                use_schema(f"bench_{size}")
                timings, queries = time_page(path, username, runs)
                median = statistics.median(timings)
                medians[size][(page, who)] = median
                p95 = statistics.quantiles(timings, n=20)[-1] if len(timings) >= 2 else timings[0]
                verdict = "met" if median < TARGET_MS[page] else "missed"
                print(
                    f"{size:>7,} {page}, {who}: median {median:.1f} ms, p95 {p95:.1f} ms,"
                    f" min {min(timings):.1f} ms over {len(timings)} runs; {len(queries)}"
                    f" queries (target < {TARGET_MS[page]} ms: {verdict});"
                    f" load {os.getloadavg()[0]:.1f}",
                    flush=True,
                )
                for query in sorted(queries, key=lambda q: -float(q["time"]))[:3]:
                    print(f"        {float(query['time']) * 1000:7.1f} ms  {query['sql'][:100]}")
    return medians


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="opportunities, comma-separated")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--reset", action="store_true", help="delete the bench data first")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (e.g. tracker_dash).")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    for size in sizes:
        prepare(size, args.reset)
    print(
        f"PostgreSQL {connection.pg_version}, Python {sys.version.split()[0]},"
        f" {os.cpu_count()} cores,"
        f" load average {os.getloadavg()[0]:.1f} (other work on the machine slows every figure)"
    )
    medians = measure(sizes, args.runs)
    small, large = sizes[0], sizes[-1]
    print(f"Medians, {small:,} -> {large:,} opportunities (target: ratio <= {RATIO}):")
    for key, before in medians[small].items():
        after = medians[large][key]
        ratio = after / before
        verdict = "met" if ratio <= RATIO and after < TARGET_MS[key[0]] else "missed"
        print(f"    {key[0]}, {key[1]}: {before:.1f} -> {after:.1f} ms, x{ratio:.2f} ({verdict})")


if __name__ == "__main__":
    main()
