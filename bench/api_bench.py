"""REST API figures on a generated data set: list latency against a hand-written values() view,
CSV and XLSX export time and memory, bulk upsert time and memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_api \\
        .venv/bin/python bench/api_bench.py [--opportunities 100000] [--follow-ups 3] [--reset]

The data set is generated once into that database (kept for re-runs; --reset makes it again).
Requests go through Django's test client in this process (no HTTP server); memory is the growth
of this process's peak RSS during each step (Linux: /proc/self/clear_refs resets the peak).
See README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ["DEBUG"] = "0"  # DEBUG keeps every query in memory
os.environ["ALLOWED_HOSTS"] = "testserver"
# Tasks in-process on purpose: with DEBUG off, a missing broker is otherwise refused.
os.environ.setdefault("TRACKER_EMBEDDED", "1")
# The bulk upserts are measured in the request: no sheet here becomes an upload job.
os.environ["SHEETS_JOB_ROWS"] = str(10**9)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.test import Client, RequestFactory, override_settings  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils import timezone  # noqa: E402

from lib.api.related import parse_pairs  # noqa: E402
from opportunities.api.views import opportunities_with_names  # noqa: E402
from opportunities.models import FollowUp, Opportunity, Team  # noqa: E402
from partners.models import Country, Firm, InvestmentArea  # noqa: E402
from tests.tracker.factories import UserFactory  # noqa: E402
from tracker.models import ApiToken  # noqa: E402

TEAMS = 10
LIST_RUNS = 30
LIST_URL = "/api/opportunities/?page_size=100&country=JP&stage=engaged"


def rss_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


class Measure:
    """Wall time and peak-RSS growth of a block."""

    def __enter__(self) -> Measure:
        Path("/proc/self/clear_refs").write_text("5")
        self.base = rss_mb("VmRSS")
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.start
        self.growth_mb = rss_mb("VmHWM") - self.base


def generate(count: int, follow_ups_per: int) -> None:
    rng = random.Random(7)
    call_command("load_reference", verbosity=0)
    countries = list(Country.objects.filter(code__in=["JP", "FR", "US", "AU", "GB", "DE", "IL"]))
    japan = next(c for c in countries if c.code == "JP")
    areas = list(InvestmentArea.objects.all()[:12])
    firms = [
        Firm.objects.get_or_create(name=f"Bench firm {i}", country=rng.choice(countries))[0]
        for i in range(200)
    ]
    users = [UserFactory(username=f"bench{i}") for i in range(TEAMS)]
    teams = []
    for index, user in enumerate(users):
        team, _ = Team.objects.get_or_create(name=f"Bench team {index}")
        team.members.add(user)
        teams.append(team)
    stages = [s for s in Opportunity.Stage.values if s not in Opportunity.CLOSED_STAGES]
    now = timezone.now()
    batch = 5000
    through = {name: getattr(Opportunity, name).through for name in ("countries", "areas", "firms")}
    for start in range(0, count, batch):
        with transaction.atomic():
            made = Opportunity.objects.bulk_create(
                [
                    Opportunity(
                        title=f"Opportunity {n}: {rng.choice(['radar', 'sonar', 'UAV', 'engine'])}"
                        f" co-development",
                        description="Generated for the API benchmark.",
                        stage=rng.choice(stages),
                        team=teams[n % TEAMS],
                        owner=users[n % TEAMS],
                        value=rng.randrange(10_000, 50_000_000),
                        currency=rng.choice(["USD", "INR", "JPY", "EUR"]),
                        probability=rng.randrange(0, 101),
                        expected_close=now.date() + datetime.timedelta(days=rng.randrange(400)),
                        external_id=f"B-{n:07d}",
                        updated_at=now,
                    )
                    for n in range(start, min(start + batch, count))
                ]
            )
            rows = {"countries": [], "areas": [], "firms": []}
            for opportunity in made:
                picked = {
                    japan if rng.random() < 0.3 else rng.choice(countries),
                    rng.choice(countries),
                }
                rows["countries"] += [
                    through["countries"](opportunity_id=opportunity.pk, country_id=c.pk)
                    for c in picked
                ]
                rows["areas"] += [
                    through["areas"](
                        opportunity_id=opportunity.pk, investmentarea_id=rng.choice(areas).pk
                    )
                ]
                rows["firms"] += [
                    through["firms"](opportunity_id=opportunity.pk, firm_id=rng.choice(firms).pk)
                ]
            for name, objs in rows.items():
                through[name].objects.bulk_create(objs, batch_size=5000)
            FollowUp.objects.bulk_create(
                [
                    FollowUp(
                        opportunity=opportunity,
                        title=f"Follow-up {k}",
                        due_date=now.date() + datetime.timedelta(days=rng.randrange(-60, 120)),
                        kind=rng.choice(FollowUp.Kind.values),
                    )
                    for opportunity in made
                    for k in range(follow_ups_per)
                ],
                batch_size=5000,
            )
        print(f"  generated {min(start + batch, count):,} opportunities", flush=True)


def values_view(request) -> JsonResponse:
    """The hand-written baseline: the same fields, straight from values()."""
    japan = Country.objects.get(code="JP").pk
    queryset = (
        opportunities_with_names(Opportunity)
        .filter(countries=japan, stage="engaged")
        .order_by("-updated_at", "-pk")
    )
    rows = list(
        queryset.values(
            "id",
            "external_id",
            "version",
            "title",
            "description",
            "stage",
            "team_id",
            "team__name",
            "owner_id",
            "owner__username",
            "value",
            "currency",
            "probability",
            "expected_close",
            "close_reason",
            "closed_at",
            "stage_changed_at",
            "next_follow_up",
            "created_at",
            "updated_at",
            "country_pairs",
            "firm_pairs",
            "area_pairs",
            "policy_opening_pairs",
            "statement_pairs",
        )[:100]
    )
    for row in rows:
        for key in [k for k in row if k.endswith("_pairs")]:
            row[key] = parse_pairs(row[key])
    return JsonResponse({"count": queryset.count(), "results": rows})


# The baseline also served through the project's whole request stack (middleware, the same
# token header), so that the ratio compares the read paths and not the stack around them.
urlpatterns = [path("bench-values/", values_view), path("", include("tracker.urls"))]


def median_ms(call: Callable[[], object], runs: int) -> float:
    call()  # warm up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def consume(response) -> int:
    assert response.status_code == 200, response.status_code
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=100_000)
    parser.add_argument("--follow-ups", type=int, default=3, help="per opportunity")
    parser.add_argument("--reset", action="store_true")
    parser.add_argument("--generate-only", action="store_true")
    parser.add_argument("--list-only", action="store_true", help="stop after the list figures")
    args = parser.parse_args()
    print(
        f"{platform.node()} {platform.python_version()} {connection.vendor}; "
        f"{datetime.date.today()}"
    )
    call_command("migrate", verbosity=0)
    if args.reset or Opportunity.objects.filter(external_id__startswith="B-").count() != (
        args.opportunities
    ):
        Opportunity.objects.filter(external_id__startswith="B-").delete()
        print(
            f"generating {args.opportunities:,} opportunities, "
            f"{args.opportunities * args.follow_ups:,} follow-ups"
        )
        generate(args.opportunities, args.follow_ups)
    if connection.vendor == "postgresql":
        # As autovacuum would have by now: statistics, and a visibility map that lets counts
        # use index-only scans (a previous run's bulk upsert rewrote every row).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    if args.generate_only:
        return
    total = Opportunity.objects.count()
    print(f"data: {total:,} opportunities, {FollowUp.objects.count():,} follow-ups")

    admin = UserFactory(username="bench-admin", is_superuser=True)
    _, key = ApiToken.issue(user=admin, name="bench", read_only=False)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    factory = RequestFactory()

    bare_ms = median_ms(lambda: values_view(factory.get("/")), LIST_RUNS)
    with override_settings(ROOT_URLCONF=__name__):
        base_ms = median_ms(lambda: consume(client.get("/bench-values/")), LIST_RUNS)
        api_ms = median_ms(lambda: consume(client.get(LIST_URL)), LIST_RUNS)
    print(
        f"list {LIST_URL}: API median {api_ms:.1f} ms, values() view {base_ms:.1f} ms "
        f"through the same stack ({bare_ms:.1f} ms called bare), ratio {api_ms / base_ms:.2f} "
        f"(target <= 1.5)"
    )
    if args.list_only:
        return

    ten_k = "/api/opportunities/?format=csv&team=Bench%20team%200&ordering=id"
    for label, url in (
        ("csv ~10k (one team)", ten_k),
        ("csv all", "/api/opportunities/?format=csv&ordering=id"),
    ):
        with Measure() as m:
            size = consume(client.get(url))
        print(
            f"{label}: {m.seconds:.2f} s, {size / 1e6:.1f} MB out, peak RSS growth "
            f"{m.growth_mb:.1f} MB (targets < 3 s for 100,000, < 20 MB)"
        )
    with Measure() as m:
        size = consume(client.get("/api/opportunities/?format=xlsx&ordering=id"))
    print(
        f"xlsx all: {m.seconds:.2f} s, {size / 1e6:.1f} MB out, peak RSS growth "
        f"{m.growth_mb:.1f} MB (targets < 10 s, < 100 MB)"
    )

    for label, url in (("10k", ten_k), ("all", "/api/opportunities/?format=csv&ordering=id")):
        text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        title = rows[0].index("title")
        for row in rows[1::10]:  # edit one row in ten
            row[title] = row[title] + " (edited)"
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        data = out.getvalue().encode()
        del text, rows, out
        with Measure() as m:
            response = client.post(
                "/api/opportunities/bulk/", {"file": SimpleUploadedFile("sheet.csv", data)}
            )
        report = response.json()
        print(
            f"bulk upsert {label} ({report['updated'] + report['unchanged']:,} rows, "
            f"{report['updated']:,} edited): {m.seconds:.2f} s, peak RSS growth "
            f"{m.growth_mb:.1f} MB, errors {len(report['errors'])} "
            f"(targets 10k < 5 s; 100k < 30 s and < 300 MB)"
        )
    follow_up_upsert(client)


def follow_up_upsert(client: Client) -> None:
    """10,000 follow-up rows as exported (one team's first 10,000), one in ten edited, sent
    back to the follow-up bulk upsert."""
    url = "/api/follow-ups/?format=csv&team=Bench%20team%200&ordering=id"
    text = b"".join(client.get(url).streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[:10_001]
    notes = rows[0].index("notes")
    for row in rows[1::10]:
        row[notes] = row[notes] + " (edited)"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    data = out.getvalue().encode()
    with Measure() as m:
        response = client.post(
            "/api/follow-ups/bulk/", {"file": SimpleUploadedFile("follow-ups.csv", data)}
        )
    report = response.json()
    print(
        f"follow-up bulk upsert 10k ({report['updated'] + report['unchanged']:,} rows, "
        f"{report['updated']:,} edited): {m.seconds:.2f} s, peak RSS growth "
        f"{m.growth_mb:.1f} MB, errors {len(report['errors'])} (target < 5 s)"
    )


if __name__ == "__main__":
    main()
