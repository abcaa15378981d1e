"""Latency of statement search over 200,000 statements, on PostgreSQL.

    cd /work/main && DATABASE_URL=postgres://... .venv/bin/python bench/search_bench.py \\
        [--statements 200000] [--runs 15] [--before main --before-runs 5] [--ranked 1000,500]

Fills the database named by DATABASE_URL (never SQLite: the full-text index is PostgreSQL's)
with generated statements under one source, "Search benchmark", unless that source already
holds them (a second run reuses them), then times `?search=` on /api/statements/ in-process,
as a client's request runs it (token, count, first page with ranking and snippets), for words
from rare to common. Prints each query's median and the median over all. With `--before REV`,
times REV's statements/search.py too, query by query in the same run; with `--ranked`, the
current code with each cap on the matches ranked. "+" after a count: `count_capped`. See
README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
TARGET_MEDIAN_MS = 50
BATCH = 20_000

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
# (kind, query): the kinds the README's table reports, from rare to very common.
QUERIES = [
    ("rare word", "Scorpene"),  # in about 1.5% of statements, as each rare name
    ("rare word", "hydrophone"),
    ("rare and common", "Kaveri engine"),
    ("two words", "shipyard Chennai"),
    ("two words", "drone radar"),
    ("two words", "technology transfer"),
    ("phrase", '"technology transfer"'),
    ("phrase", '"maritime security"'),
    # In half the statements (a hyphenated word is a phrase of its parts): too common for the
    # pair index (statements/phrases.py), searched as before.
    ("common phrase", '"co-development"'),
    ("common word", "submarine"),  # in about half the statements
    ("common word", "memorandum"),
    ("common word", "Japan"),
    ("two common words", "defence partnership"),
]
RARE = ["Scorpene", "Kaveri", "hydrophone", "Rafale-M", "Tejas", "Varuna", "Malabar"]


def pick(name: str, row: str = "") -> str:
    """SQL for a random element of the array parameter `name`; `row` ties the draw to a lateral
    row, so PostgreSQL draws again for each one instead of once."""
    again = f" + 0 * {row}" if row else ""
    array = f"%({name})s::text[]"
    return f"({array})[1 + floor(random() * cardinality({array}))::int{again}]"


FILL_SQL = f"""
INSERT INTO statements_statement (
    created_at, updated_at, url, canonical_url, title, published_on, speaker, text,
    content_hash, source_id, language, is_copy, sensitivity
)
SELECT now(), now(), '', '',
    {pick("places")} || ' and India: '
        || {pick("domain")} || ' ' || {pick("domain")} || ' ' || {pick("domain")},
    date '2019-01-01' + n %% 2500, '', body.text,
    'search-bench-' || lpad(n::text, 51, '0'), %(source)s, '', false, 'internal'
FROM generate_series(%(first)s, %(last)s) AS n
CROSS JOIN LATERAL (
    -- 8 to 14 sentences of 9 to 14 filler words, two domain words and a place, shuffled,
    -- and a rare name in one sentence of a hundred.
    SELECT string_agg(sentence.words || '.', ' ') AS text
    FROM generate_series(1, 8 + floor(random() * 7)::int + 0 * n) AS s
    CROSS JOIN LATERAL (
        SELECT string_agg(word, ' ' ORDER BY random()) AS words
        FROM (
            SELECT {pick("filler")} AS word
            FROM generate_series(1, 9 + floor(random() * 6)::int + 0 * s)
            UNION ALL
            SELECT {pick("domain", "s")} FROM generate_series(1, 2)
            UNION ALL
            SELECT {pick("places", "s")}
            UNION ALL
            SELECT {pick("rare")} WHERE random() < 0.01 + 0 * s
        ) AS words
    ) AS sentence
) AS body
"""


def statements_fill(count: int) -> int:
    """Store generated statements up to `count` in one INSERT ... SELECT per batch, the words
    drawn in PostgreSQL (the trigger indexes each row as it goes in), then VACUUM ANALYZE: the
    ORM's bulk_create took 26 minutes for 200,000, this takes a few."""
    from django.db import connection

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
    words = {"filler": filler, "domain": DOMAIN, "places": PLACES, "rare": RARE}
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for first in range(have, count, BATCH):
            last = min(first + BATCH, count) - 1
            cursor.execute(FILL_SQL, {**words, "source": source.pk, "first": first, "last": last})
            print(f"  stored {last + 1} statements", end="\r", flush=True)
        cursor.execute("VACUUM ANALYZE statements_statement")
    print(f"stored {count - have} statements in {time.perf_counter() - started:.0f} s")
    return count


def code_of(revision: str):
    """statements/search.py as it is at `revision` (e.g. main before this change), as a module:
    timed in the same run as the current code, so both see the same machine and data."""
    import subprocess
    import types

    source = subprocess.run(
        ["git", "show", f"{revision}:statements/search.py"],
        cwd=PROJECT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType(f"search_at_{revision}")
    exec(compile(source, f"{revision}:statements/search.py", "exec"), module.__dict__)
    return module


def timed(client, query: str, runs: int) -> tuple[float, float, dict]:
    client.get("/api/statements/", {"search": query})  # warm the caches
    times, page = [], {}
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/api/statements/", {"search": query})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:300]
        page = response.json()
    return statistics.median(times), max(times), page


def load() -> str:
    return ", ".join(f"{figure:.1f}" for figure in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=15, help="timed requests per query")
    parser.add_argument(
        "--before", metavar="REVISION", help="also time statements/search.py of REVISION"
    )
    parser.add_argument("--before-runs", type=int, default=5, help="timed requests, --before")
    parser.add_argument(
        "--ranked",
        metavar="N,N",
        help="time the current code with each cap (statements.search.RANKED)",
    )
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

    import statements.models
    import statements.search
    from tracker.models import ApiToken

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL database: the search index is PostgreSQL's.")
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    total = statements_fill(args.statements)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM statements_statement")
        (all_rows,) = cursor.fetchone()
    user, _ = get_user_model().objects.get_or_create(
        username="search-bench", defaults={"is_superuser": True, "is_staff": True}
    )
    _, key = ApiToken.issue(user=user, name="search bench")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    current = statements.models.statements_search
    before = code_of(args.before).statements_search if args.before else None
    print(
        f"{all_rows} statements in the database ({total} generated); PostgreSQL "
        f"{connection.pg_version // 10000}; {args.runs} requests per query after one warm-up "
        f"({args.before_runs} before); load average {load()}"
    )
    caps = (
        [int(cap) for cap in args.ranked.split(",")] if args.ranked else [statements.search.RANKED]
    )
    medians: dict[int, list[float]] = {cap: [] for cap in caps}
    for kind, query in QUERIES:
        line = f"{kind:>16} {query!r:>23}:"
        if before is not None:
            # Each query before, then after, one after the other: the same load on both.
            statements.models.statements_search = before
            median, worst, page = timed(client, query, args.before_runs)
            statements.models.statements_search = current
            line += f" before {page['count']:>6} found, {median:7.1f} ms (max {worst:7.1f});"
        for cap in caps:
            statements.search.RANKED = cap
            median, worst, page = timed(client, query, args.runs)
            medians[cap].append(median)
            capped = "+" if page.get("count_capped") else " "
            line += f" [{cap}] {page['count']:>4}{capped} {median:6.1f} ms (max {worst:6.1f})"
        print(line, flush=True)
    for cap in caps:
        overall = statistics.median(medians[cap])
        verdict = "met" if overall < TARGET_MEDIAN_MS else "MISSED"
        print(
            f"median over the queries, {cap} ranked: {overall:.1f} ms "
            f"(target < {TARGET_MEDIAN_MS} ms): {verdict}"
        )
    print(f"load average at the end {load()}")


if __name__ == "__main__":
    main()
