"""The per-request cost of load_bench.py's two pages, in this process: no server, no wrk, so
the figures hold on a machine shared with other work (wrk's do not).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_load \\
        .venv/bin/python bench/request_bench.py [--opportunities 5000] [--requests 60] [--profile]

Same data set as load_bench.py (made once in that database and kept). For each page: the
median and fastest wall time of a request through Django's test client (middleware, session
or token, view, rendering), the CPU time of this process per request, and the queries of one
request with their time. --profile adds cProfile's 40 costliest functions by own time.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
sys.path.insert(0, str(PROJECT / "bench"))
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("TRACKER_EMBEDDED", "1")

from api_bench import generate  # noqa: E402  (sets up Django, DEBUG off)
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from opportunities.models import Opportunity  # noqa: E402
from tests.tracker.factories import UserFactory  # noqa: E402
from tracker.models import ApiToken  # noqa: E402


def measure(client: Client, url: str, requests: int, profile: bool) -> str:
    for _ in range(3):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the next request's start clears the connection's query log.
    captured = list(queries.captured_queries)
    walls = []
    cpu = time.process_time()
    for _ in range(requests):
        start = time.perf_counter()
        client.get(url)
        walls.append((time.perf_counter() - start) * 1000)
    cpu_ms = (time.process_time() - cpu) * 1000 / requests
    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [client.get(url) for _ in range(requests)])
        pstats.Stats(profiler).sort_stats("tottime").print_stats(40)
    query_ms = sum(float(query["time"]) for query in captured) * 1000
    return (
        f"median {statistics.median(walls):.1f} ms, fastest {min(walls):.1f} ms, "
        f"CPU {cpu_ms:.1f} ms a request; {len(captured)} queries ({query_ms:.0f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--opportunities", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    if Opportunity.objects.filter(external_id__startswith="B-").count() != args.opportunities:
        Opportunity.objects.filter(external_id__startswith="B-").delete()
        generate(args.opportunities, 3)
    user = UserFactory(username=f"request{time.time_ns()}", is_superuser=True)
    _, key = ApiToken.issue(user=user, name="request bench", read_only=True)
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    web = Client()
    web.force_login(user)
    print(f"load average {' '.join(f'{load:.1f}' for load in os.getloadavg())}")
    for label, client, url in [
        ("API list, page of 50", api, "/api/opportunities/?page_size=50"),
        ("overview dashboard", web, "/"),
    ]:
        print(f"{label}: {measure(client, url, args.requests, args.profile)}", flush=True)


if __name__ == "__main__":
    main()
