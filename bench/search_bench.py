"""Latency of statement search over 200,000 statements, on PostgreSQL.

    cd /work/main && DATABASE_URL=postgres://... .venv/bin/python bench/search_bench.py \\
        [--statements 200000] [--runs 15]

Fills the database named by DATABASE_URL (never SQLite: the full-text index is PostgreSQL's)
with generated statements under one source, "Search benchmark", unless that source already
holds them (a second run reuses them), then times `?search=` on /api/statements/ in-process,
as a client's request runs it (token, count, first page with ranking and snippets), for words
from rare to common. Prints each query's median and the median over all. See README.md.
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
TARGET_MEDIAN_MS = 50
BATCH = 2_000

DOMAIN = [
    "defence",
    "partnership",
    "submarine",
    "frigate",
    "engine",
    "co-production",
    "co-development",
    "investment",
    "FDI",
    "liberalisation",
    "supply",
    "chains",
    "maritime",
    "security",
    "exercise",
    "training",
    "technology",
    "transfer",
    "drone",
    "radar",
    "missile",
    "shipyard",
    "aerospace",
    "joint",
    "venture",
    "memorandum",
    "industry",
    "forum",
    "dialogue",
    "ministry",
    "secretary",
    "delegation",
    "programme",
    "procurement",
    "localisation",
    "indigenous",
    "startups",
]
PLACES = [
    "India",
    "Japan",
    "France",
    "Australia",
    "Germany",
    "Korea",
    "Italy",
    "Brazil",
    "Tokyo",
    "Paris",
    "Pune",
    "Chennai",
]
QUERIES = [
    "Scorpene",  # rare: one statement in a thousand
    "Kaveri engine",
    "hydrophone",
    "shipyard Chennai",
    "technology transfer",
    "memorandum",
    "drone radar",
    "maritime security",
    "submarine",
    "Japan",  # common: in about one statement in six
    "defence partnership",  # very common
]
RARE = ["Scorpene", "Kaveri", "hydrophone", "Rafale-M", "Tejas", "Varuna", "Malabar"]


def words_of(rng: random.Random, filler: list[str]) -> str:
    """One statement's text: mostly filler words, some domain words and places, now and then a
    rare name, in sentences of about 15 words."""
    sentences = []
    for _ in range(rng.randint(8, 14)):
        words = rng.choices(filler, k=rng.randint(9, 14))
        words += [*rng.sample(DOMAIN, 2), rng.choice(PLACES)]
        if rng.random() < 0.01:
            words.append(rng.choice(RARE))
        rng.shuffle(words)
        sentences.append(" ".join(words).capitalize() + ".")
    return " ".join(sentences)


def statements_fill(count: int) -> int:
    from statements.models import Source, Statement

    source, _ = Source.objects.get_or_create(
        name="Search benchmark", defaults={"kind": Source.Kind.MANUAL}
    )
    have = Statement.objects.filter(source=source).count()
    if have >= count:
        return have
    rng = random.Random(have)
    syllables = ["ka", "ro", "mi", "te", "lu", "san", "dor", "vel", "quo", "bri", "nal", "ost"]
    filler = sorted({"".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(6000)})
    started = time.perf_counter()
    for first in range(have, count, BATCH):
        Statement.objects.bulk_create(
            Statement(
                source=source,
                title=f"{rng.choice(PLACES)} and India: {' '.join(rng.sample(DOMAIN, 3))}",
                text=words_of(rng, filler),
                content_hash=f"search-bench-{n:051d}",
                published_on=datetime.date(2019, 1, 1) + datetime.timedelta(days=n % 2500),
            )
            for n in range(first, min(first + BATCH, count))
        )
        print(f"  stored {min(first + BATCH, count)} statements", end="\r", flush=True)
    print(f"stored {count - have} statements in {time.perf_counter() - started:.0f} s")
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15, help="timed requests per query")
    args = parser.parse_args()
    sys.path.insert(0, str(PROJECT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from rest_framework.test import APIClient

    from tracker.models import ApiToken

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the search index is PostgreSQL's.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    total = statements_fill(args.statements)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE statements_statement")
        cursor.execute("SELECT count(*) FROM statements_statement")
        (all_rows,) = cursor.fetchone()
    user, _ = get_user_model().objects.get_or_create(
        username="search-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    _, key = ApiToken.issue(user=user, name="search bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    print(
        f"{all_rows} statements in the database ({total} generated); PostgreSQL "
        f"{connection.pg_version // 10000}; {args.runs} requests per query after one warm-up"
    )
    medians = []
    for query in QUERIES:
        client.get("/api/statements/", {"search": query})  # warm the caches
        times, count = [], 0
        for _ in range(args.runs):
            started = time.perf_counter()
            response = client.get("/api/statements/", {"search": query})
            times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.content[:300]
            count = response.json()["count"]
        median = statistics.median(times)
        medians.append(median)
        print(
            f"{query!r:>24}: {count:>7} matches, median {median:6.1f} ms, max {max(times):6.1f} ms"
        )
    overall = statistics.median(medians)
    verdict = "met" if overall < TARGET_MEDIAN_MS else "MISSED"
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    print(
        f"median over the queries: {overall:.1f} ms (target < {TARGET_MEDIAN_MS} ms): {verdict}; "
        f"load average {load}"
    )


if __name__ == "__main__":
    main()
