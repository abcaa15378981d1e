"""The write side of the dashboards' tallies on PostgreSQL: what one save costs at two data
sizes in one run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_dash \\
        .venv/bin/python bench/tally_bench.py [--sizes 10000,100000] [--runs N]

Uses the schemas `dashboard_bench.py` generates (`bench_10000`, `bench_100000`: made here the
same way if missing). For each size, in turn, times (median and p95 of N, each in a
transaction rolled back, so every run writes the same change to the same data):

- save: `opportunity_save` of one opportunity's stage move (the board's card, the API's
  PATCH, the admin's save), tallies adjusted by the change (`tallies_adjusted`);
- adjust: the adjustment alone, around a one-row UPDATE of the stage;
- recount: `tallies_kept` of that opportunity's team, what every save did before (twice for
  an admin or API save with links);
- follow-up: `follow_up_save` of a due date, and the recount of its team's open follow-ups.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from collections.abc import Callable

from dashboard_bench import prepare, use_schema  # also sets Django up
from django.db import connection, reset_queries, transaction
from django.test.utils import CaptureQueriesContext

from opportunities.models import FollowUp, Opportunity
from opportunities.services import follow_up_save, opportunity_save
from opportunities.tallies.adjust import tallies_adjusted
from opportunities.tallies.keep import tallies_kept
from opportunities.tallies.models import FollowUpTally


def _chosen() -> tuple[Opportunity, FollowUp]:
    opportunity = Opportunity.objects.filter(stage="identified").order_by("pk").first()
    follow_up = FollowUp.objects.filter(opportunity=opportunity, status="open").first()
    assert opportunity is not None and follow_up is not None
    return opportunity, follow_up


def cases() -> dict[str, Callable[[], None]]:
    opportunity, follow_up = _chosen()

    def save() -> None:
        fresh = Opportunity.objects.get(pk=opportunity.pk)
        fresh.stage = "proposal"
        opportunity_save(opportunity=fresh, expected_version=fresh.version)

    def adjust() -> None:
        with tallies_adjusted([opportunity.pk]):
            Opportunity.objects.filter(pk=opportunity.pk).update(stage="proposal")

    def follow_up_edit() -> None:
        fresh = FollowUp.objects.get(pk=follow_up.pk)
        fresh.due_date += datetime.timedelta(days=1)
        follow_up_save(follow_up=fresh, expected_version=fresh.version)

    team = [opportunity.team_id]
    return {
        "save (adjusted)": save,
        "adjust alone": adjust,
        "recount of the team": lambda: tallies_kept(team_ids=team),
        "follow-up save (adjusted)": follow_up_edit,
        "recount of its open follow-ups": lambda: tallies_kept(
            team_ids=team, only=(FollowUpTally,)
        ),
    }


class _Rollback(Exception):
    pass


def timed(case: Callable[[], None], runs: int) -> tuple[list[float], int]:
    timings, queries = [], 0
    for n in range(runs + 2):  # 2 to warm up
        reset_queries()  # with DEBUG on, the log's cap (9,000) would miscount the last runs
        try:
            with transaction.atomic(), CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                case()
                elapsed = (time.perf_counter() - started) * 1000
                raise _Rollback
        except _Rollback:
            pass
        if n >= 2:
            timings.append(elapsed)
            queries = len(captured)
    return timings, queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000", help="opportunities, comma-separated")
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database of your own (e.g. tracker_dash).")
    sizes = sorted(int(size) for size in args.sizes.split(","))
    for size in sizes:
        prepare(size, reset=False)
    print(
        f"PostgreSQL {connection.pg_version}, Python {sys.version.split()[0]},"
        f" {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}"
    )
    medians: dict[str, dict[int, float]] = {}
    use_schema(f"bench_{sizes[0]}")
    names = list(cases())
    for name in names:  # every size in turn per case, so the machine's load weighs alike
        for size in sizes:
            use_schema(f"bench_{size}")
            timings, queries = timed(cases()[name], args.runs)
            median = statistics.median(timings)
            medians.setdefault(name, {})[size] = median
            p95 = statistics.quantiles(timings, n=20)[-1]
            print(
                f"{size:>7,} {name}: median {median:.1f} ms, p95 {p95:.1f} ms over"
                f" {len(timings)} runs, {queries} queries; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    small, large = sizes[0], sizes[-1]
    print(f"Medians, {small:,} -> {large:,} opportunities:")
    for name in names:
        before, after = medians[name][small], medians[name][large]
        print(f"    {name}: {before:.1f} -> {after:.1f} ms, x{after / before:.2f}")


if __name__ == "__main__":
    main()
