"""Throughput and memory of the statement pipeline, on a fresh temporary SQLite database.

    cd /work/main && .venv/bin/python bench/import_bench.py [--statements N] [--pages N]

Prints one figure a line: folder import (store, extract with its suggestion step, both), re-import,
store + extract with story grouping off and on (a fifth as many statements, a fifth of them
edited copies), HTML parsing, `find_mentions` against a 20,000-term gazetteer, and peak memory.
See README.md.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import json
import logging
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent

TARGET_PIPELINE_PER_S = 500
TARGET_REIMPORT_S = 2.0
TARGET_PAGES_PER_S = 80
TARGET_FIND_MS = 1.0
TARGET_PDF_PAGES_PER_S = 20
TARGET_MEMORY_MB = 300
GAZETTEER_TERMS = 20_000
DOCUMENTS = 200
DOCUMENT_BYTES = 10_000

HOME = ("India", "Indian")
# Partner name and demonym, as the reference data spells them.
PARTNERS = [
    ("France", "French"),
    ("Japan", "Japanese"),
    ("United States", "American"),
    ("Australia", "Australian"),
    ("United Kingdom", "British"),
    ("Germany", "German"),
    ("Israel", "Israeli"),
    ("South Korea", "South Korean"),
    ("Italy", "Italian"),
    ("Sweden", "Swedish"),
    ("Greece", "Greek"),
    ("Brazil", "Brazilian"),
    ("Egypt", "Egyptian"),
    ("Philippines", "Filipino"),
    ("Vietnam", "Vietnamese"),
    ("Singapore", "Singaporean"),
    ("Indonesia", "Indonesian"),
    ("Armenia", "Armenian"),
]
# About 40 real defence firms: (name, ISO code, aliases).
FIRMS = [
    ("Hindustan Aeronautics Limited", "IN", ["HAL"]),
    ("Bharat Electronics Limited", "IN", ["BEL", "Bharat Electronics"]),
    ("Bharat Dynamics Limited", "IN", ["BDL"]),
    ("Mazagon Dock Shipbuilders Limited", "IN", ["MDL"]),
    ("Garden Reach Shipbuilders and Engineers", "IN", ["GRSE"]),
    ("Larsen & Toubro", "IN", ["L&T", "Larsen and Toubro"]),
    ("Tata Advanced Systems Limited", "IN", ["Tata Advanced Systems", "TASL"]),
    ("Mahindra Defence Systems", "IN", ["Mahindra Defence"]),
    ("Bharat Forge", "IN", ["Kalyani Strategic Systems"]),
    ("Adani Defence and Aerospace", "IN", ["Adani Defence"]),
    ("Data Patterns", "IN", []),
    ("Solar Industries", "IN", []),
    ("ideaForge Technology", "IN", ["ideaForge"]),
    ("Defence Research and Development Organisation", "IN", ["DRDO"]),
    ("Mitsubishi Heavy Industries", "JP", ["MHI"]),
    ("Kawasaki Heavy Industries", "JP", ["KHI"]),
    ("NEC Corporation", "JP", ["NEC"]),
    ("ShinMaywa Industries", "JP", ["ShinMaywa"]),
    ("Safran", "FR", ["Safran Aircraft Engines"]),
    ("Dassault Aviation", "FR", ["Dassault"]),
    ("Thales", "FR", ["Thales Group"]),
    ("Naval Group", "FR", []),
    ("MBDA", "FR", []),
    ("General Electric Aerospace", "US", ["GE Aerospace"]),
    ("Lockheed Martin", "US", []),
    ("Boeing Defense, Space & Security", "US", ["Boeing"]),
    ("General Atomics Aeronautical Systems", "US", ["General Atomics", "GA-ASI"]),
    ("Shield AI", "US", []),
    ("Austal", "AU", []),
    ("BAE Systems", "GB", ["BAE"]),
    ("Rolls-Royce", "GB", []),
    ("Israel Aerospace Industries", "IL", ["IAI"]),
    ("Rafael Advanced Defense Systems", "IL", ["Rafael"]),
    ("Elbit Systems", "IL", ["Elbit"]),
    ("Hanwha Aerospace", "KR", ["Hanwha"]),
    ("Hyundai Heavy Industries", "KR", ["HD Hyundai Heavy Industries"]),
    ("Rheinmetall", "DE", []),
    ("Leonardo", "IT", []),
    ("Saab", "SE", []),
    ("Embraer", "BR", []),
]
SPEAKERS = [
    "Shri Rajesh Kumar Singh, Defence Secretary",
    "Smt. Radhika Iyengar, Joint Secretary (International Cooperation)",
    "Shri Karthik Venugopal, Joint Secretary (Defence Industries Promotion)",
    "Dr. Anil Menon, Secretary (Defence Production)",
    "Official Spokesperson, Ministry of Defence",
    "Shri Vikram Rao, Additional Secretary",
]
CITIES = ["New Delhi", "Bengaluru", "Hyderabad", "Chennai", "Pune", "Lucknow", "Tokyo", "Paris"]
TECH = [
    "undersea domain awareness",
    "electronic warfare",
    "space situational awareness",
    "artificial intelligence",
    "quantum communication",
    "hypersonic materials",
    "counter-drone systems",
    "night-vision sensors",
]
PLATFORMS = [
    "fighter aircraft",
    "helicopters",
    "jet engines",
    "submarines",
    "unmanned aerial vehicles",
    "unmanned ground vehicles",
    "warships",
    "air-defence radars",
]
COMPONENTS = [
    "semiconductors",
    "specialty alloys",
    "precision castings",
    "rare-earth magnets",
    "lithium-ion batteries",
    "thermal imagers",
    "composite airframe parts",
]
SENTENCES = [
    "{home} and {partner} agreed to deepen co-innovation in {tech}, with {firm} and {firm2} "
    "named as early participants.",
    "{speaker} said that {partner_adj} companies were welcome to invest under the liberalised "
    "FDI policy, which allows foreign direct investment of up to 74% through the automatic "
    "route in {home}.",
    "Both sides reviewed progress on resilient supply chains for {component} and agreed to "
    "compile a shared directory of trusted suppliers.",
    "{firm} will set up a joint venture with {firm2} to manufacture {component} in {city} under "
    "Make in India.",
    "The {partner_adj} delegation visited the facilities of {firm} in {city} and was briefed on "
    "its export programme.",
    "The two sides discussed the co-development and co-production of {platform}, including "
    "technology transfer to {home_adj} industry.",
    "Talks also covered maintenance, repair and overhaul of {platform} and joint exercises "
    "between the armed forces of {home} and {partner}.",
    "{partner} expressed interest in the Positive Indigenisation List and in private sector "
    "investment in the defence industrial corridors of {home}.",
    "{firm} and {firm2} signed a memorandum of understanding on joint research in {tech}.",
    "The meeting was held in a warm and cordial atmosphere.",
    "The ministers exchanged views on regional and global security developments.",
    "They reaffirmed their shared commitment to a free, open and inclusive Indo-Pacific.",
    "The next round of talks will be held in {city} later this year.",
    "Officials of both ministries will meet at regular intervals to take the decisions forward.",
    "A number of start-ups presented their products at an exhibition held on the sidelines.",
    "Observers from {third} attended the closing session as guests of the host government.",
    "The Secretary noted that the share of defence exports in the sector had grown steadily "
    "over the last five years.",
]
TITLES = [
    "{home}-{partner} Defence Industrial Roadmap reviewed in {city}",
    "Joint statement on the {home}-{partner} defence policy dialogue",
    "{partner_adj} delegation calls on the Defence Secretary",
    "{home} and {partner} agree steps on co-production and supply chains",
    "Defence Secretary visits {partner} to review industrial cooperation",
]
# Syllables for coined firm names: 26^3 combinations, enough for tens of thousands of firms.
# fmt: off
SYLLABLES = [
    "va", "ra", "tek", "no", "ve", "sha", "kri", "dha", "ma", "lo", "zen", "ar", "qu", "ion",
    "te", "sol", "nir", "pra", "ky", "del", "fo", "ri", "ga", "bo", "xa", "um",
]
# fmt: on
SECTORS = [
    "Aerospace",
    "Defence Systems",
    "Dynamics",
    "Technologies",
    "Marine",
    "Electronics",
    "Precision",
    "Robotics",
    "Avionics",
    "Optronics",
]
ENTITIES = ["Private Limited", "Limited", "Inc.", "GmbH", "S.A.", "K.K.", "Pty Ltd", "Ltd"]
BIG_GAZETTEER_COUNTRIES = ["IN", "US", "FR", "JP", "GB", "IL", "KR", "AU"]


# --- Generated text --------------------------------------------------------------------------


class Prose:
    """Seeded, realistic-looking statement prose naming countries, firms and investment areas."""

    def __init__(self, seed: int, firms: list[str]) -> None:
        self.random = random.Random(seed)
        self.firms = firms

    def _fields(self, partner: tuple[str, str]) -> dict[str, str]:
        pick = self.random.choice
        firm, firm2 = self.random.sample(self.firms, 2)
        third = pick([p for p in PARTNERS if p != partner])
        return {
            "home": HOME[0],
            "home_adj": HOME[1],
            "partner": partner[0],
            "partner_adj": partner[1],
            "third": third[0],
            "firm": firm,
            "firm2": firm2,
            "speaker": pick(SPEAKERS).split(",")[0],
            "city": pick(CITIES),
            "tech": pick(TECH),
            "platform": pick(PLATFORMS),
            "component": pick(COMPONENTS),
        }

    def title(self, partner: tuple[str, str]) -> str:
        return self.random.choice(TITLES).format(**self._fields(partner))

    def body(self, partner: tuple[str, str], size: int, release_id: int) -> str:
        paragraphs: list[str] = []
        length = 0
        while length < size:
            count = self.random.randint(3, 5)
            sentences = [
                self.random.choice(SENTENCES).format(**self._fields(partner)) for _ in range(count)
            ]
            paragraph = " ".join(sentences)
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
        # Release numbers make every statement's text unique, as on the real sites.
        paragraphs.append(f"(Release ID: {release_id})")
        return "\n\n".join(paragraphs)

    def statement(self, release_id: int, size: int = 2900) -> tuple[str, datetime.date, str, str]:
        partner = self.random.choice(PARTNERS)
        day = datetime.date(2019, 1, 1) + datetime.timedelta(days=self.random.randrange(2600))
        speaker = self.random.choice(SPEAKERS)
        return self.title(partner), day, speaker, self.body(partner, size, release_id)


def statements_write(folder: Path, count: int, seed: int, firms: list[str]) -> int:
    """Write `count` .txt statements in the folder format; returns the bytes written."""
    prose = Prose(seed, firms)
    written = 0
    for index in range(count):
        title, day, speaker, body = prose.statement(release_id=2_100_000 + seed * 100_000 + index)
        text = f"{title}\n\nDate: {day.isoformat()}\nSpeaker: {speaker}\n\n{body}\n"
        data = text.encode("utf-8")
        (folder / f"statement-{index:05d}.txt").write_bytes(data)
        written += len(data)
    return written


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Press Information Bureau</title>
<meta name="description" content="{description}">
<meta property="og:title" content="{title}">
<meta property="og:type" content="article">
<link rel="stylesheet" href="/static/css/bootstrap.min.css">
<link rel="stylesheet" href="/static/css/site.css?v=3.4.1">
<script async src="https://www.googletagmanager.com/gtag/js?id=G-XXXXXXX"></script>
<script>
window.dataLayer = window.dataLayer || [];
function gtag(){{dataLayer.push(arguments);}}
gtag('js', new Date()); gtag('config', 'G-XXXXXXX', {{'anonymize_ip': true}});
</script>
</head>
<body>
<a class="skip" href="#content">Skip to main content</a>
<div class="topbar"><ul><li><a href="/">Government of India</a></li>
<li><a href="/screen-reader">Screen Reader Access</a></li><li><a href="/hi">हिन्दी</a></li>
<li><button class="font">A-</button><button class="font">A</button><button class="font">A+</button>
</li></ul></div>
<header class="site-header"><img src="/static/img/emblem.png" alt="National Emblem">
<div class="brand"><span>Press Information Bureau</span><span>Ministry of Defence</span></div>
</header>
<nav class="main-nav"><ul>
{nav}
</ul></nav>
<div class="breadcrumb"><a href="/">Home</a> &raquo; <a href="/releases">Releases</a> &raquo;
<span>{ministry}</span></div>
<main id="content">
<div class="row"><div class="col-md-9">
<article class="release">
<h1>{title}</h1>
<div class="release-meta">Posted On: {posted} by PIB Delhi</div>
{paragraphs}
<p class="release-sign">{speaker_short}</p>
</article>
</div>
<aside class="col-md-3 related"><h2>Related releases</h2><ul>
{related}
</ul>
<div class="share">Share: <a href="#">Facebook</a> <a href="#">X</a> <a href="#">WhatsApp</a>
<a href="#">Email</a> <a href="#">Print</a></div></aside>
</div>
</main>
<footer class="site-footer">
<div class="footer-links"><ul>
{footer}
</ul></div>
<p>Content owned by the Ministry of Defence. Site designed and hosted by the National Informatics
Centre. FOOTER-MARKER Last updated on {posted}. Visitors: {visitors}.</p>
<p>Address: National Media Centre, 7 Raisina Road, New Delhi - 110001. Tel: 011-23383643.</p>
</footer>
<script src="/static/js/jquery.min.js"></script>
<script src="/static/js/bootstrap.bundle.min.js"></script>
<script>
$(function() {{ $('.font').on('click', function() {{ document.body.classList.toggle('large'); }});
  var cookie = document.cookie.indexOf('consent=') === -1;
  if (cookie) {{ $('#consent').show(); }} }});
</script>
</body>
</html>
"""
NAV = [
    "Home",
    "Releases",
    "Photos",
    "Videos",
    "Features",
    "Fact Check",
    "Speeches",
    "Ministries",
    "Archives",
    "Accreditation",
    "Contact Us",
    "Feedback",
]
FOOTER = [
    "Website Policies",
    "Terms of Use",
    "Privacy Policy",
    "Copyright Policy",
    "Hyperlinking Policy",
    "Accessibility Statement",
    "Help",
    "Sitemap",
    "RTI",
    "Disclaimer",
]


def pages_generate(count: int, seed: int, firms: list[str]) -> list[bytes]:
    """Government press-release pages: ~3 KB of text inside navigation, asides, footer, scripts."""
    prose = Prose(seed, firms)
    pages = []
    for index in range(count):
        title, day, speaker, body = prose.statement(release_id=2_500_000 + index)
        paragraphs = "\n".join(f"<p>{part}</p>" for part in body.split("\n\n"))
        related = "\n".join(
            f'<li><a href="/release/{2_400_000 + index * 7 + n}">{prose.title(partner)}</a></li>'
            for n, partner in enumerate(prose.random.sample(PARTNERS, 5))
        )
        html = PAGE.format(
            title=title,
            description=body[:150].replace('"', "'"),
            nav="\n".join(f'<li><a href="/{item.lower()}">{item}</a></li>' for item in NAV),
            ministry="Ministry of Defence",
            posted=f"{day:%d %b %Y} {prose.random.randint(9, 19)}:{prose.random.randint(10, 59)}",
            paragraphs=paragraphs,
            speaker_short=speaker.split(",")[0],
            related=related,
            footer="\n".join(f'<li><a href="/{item.lower()}">{item}</a></li>' for item in FOOTER),
            visitors=prose.random.randint(10**6, 10**8),
        )
        pages.append(html.encode("utf-8"))
    return pages


def firm_names_generate(count: int, seed: int) -> list[tuple[str, str, str]]:
    """`count` coined firms as (name, alias, ISO code), every name and alias distinct."""
    rng = random.Random(seed)
    seen: set[str] = set()
    firms = []
    while len(firms) < count:
        coined = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        sector = rng.choice(SECTORS)
        name = f"{coined} {sector} {rng.choice(ENTITIES)}"
        alias = f"{coined} {sector.split()[0]}"
        if name.lower() in seen or alias.lower() in seen:
            continue
        seen.update((name.lower(), alias.lower()))
        firms.append((name, alias, rng.choice(BIG_GAZETTEER_COUNTRIES)))
    return firms


# --- Measuring -------------------------------------------------------------------------------


@dataclass
class Queries:
    count: int = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting_queries() -> Iterator[Queries]:
    from django.db import connection

    counter = Queries()
    with connection.execute_wrapper(counter):
        yield counter


class Profiler:
    """With --profile DIR, each timed phase also writes DIR/<phase>.prof (cProfile)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        if folder:
            folder.mkdir(parents=True, exist_ok=True)

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.folder is None:
            yield
            return
        profile = cProfile.Profile()
        profile.enable()
        try:
            yield
        finally:
            profile.disable()
            profile.dump_stats(self.folder / f"{name}.prof")


def max_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def line(text: str) -> None:
    print(text, flush=True)


# --- Setting up ------------------------------------------------------------------------------


def django_setup(database: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # As in production: with DEBUG on, Django keeps the text of every query, bodies included.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.pop("CELERY_BROKER_URL", None)  # tasks, the suggestion step too, run in-process
    os.environ["TRACKER_EMBEDDED"] = "1"  # on purpose: with DEBUG off, no broker is refused
    # The generated statements live beside the database: the folder source may read only there.
    os.environ["STATEMENTS_FOLDER_ROOTS"] = str(database.parent)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    sys.path.insert(0, str(PROJECT))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    # One "Task ... succeeded" INFO line per suggestion would bury the figures.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    from partners.reference import reference_load

    reference_load()


def firms_create() -> list[str]:
    """The ~40 real firms; returns every name and alias, for the prose to mention."""
    from partners.models import Country, Firm

    countries = dict(Country.objects.values_list("code", "pk"))
    # Most are reference firms already (load_reference): those stay as they are.
    Firm.objects.bulk_create(
        (
            Firm(name=name, country_id=countries[code], aliases=aliases)
            for name, code, aliases in FIRMS
        ),
        ignore_conflicts=True,
    )
    return [term for name, _, aliases in FIRMS for term in (name, *aliases)]


def folder_source(folder: Path, name: str):
    from partners.models import Country
    from statements.models import Source

    home = Country.objects.get(code="IN")
    return Source.objects.create(name=name, kind=Source.Kind.FOLDER, path=str(folder), country=home)


def pipeline_run(source_id: int):
    """The production path, in-process: `source_import` stores the folder, then
    `queue_extraction` runs the extraction tasks a batch at a time, each followed by its
    suggestion task. Returns (run, store seconds, extract seconds, store queries, extract
    queries)."""
    from statements.imports import source_import
    from statements.tasks import queue_extraction

    with counting_queries() as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        run = source_import(source_id=source_id)
        stored, cpu_stored = time.perf_counter(), time.process_time()
        store_queries = queries.count
        queue_extraction(run.new_statement_ids)  # tasks run here: no broker is set
        extracted, cpu_extracted = time.perf_counter(), time.process_time()
    line(
        f"CPU time of this process (the wall-clock figures below also count waiting for a "
        f"busy machine): store {cpu_stored - cpu_started:.1f} s, "
        f"extract {cpu_extracted - cpu_stored:.1f} s, "
        f"{len(run.new_statement_ids) / (cpu_extracted - cpu_started):.0f} statements/CPU-s"
    )
    return run, stored - started, extracted - stored, store_queries, queries.count - store_queries


def statements_with_copies_write(
    folder: Path, count: int, seed: int, firms: list[str], copy_share: float = 0.2
) -> int:
    """Like `statements_write`, but `copy_share` of the files are edited copies of an earlier
    one (trimmed, re-headlined, boilerplate added, reordered: tests/statements/near_duplicates),
    as when a ministry's statement is carried by embassies and news sites. Returns the copies."""
    from tests.statements.near_duplicates import EDITS, copy_with

    prose, rng = Prose(seed, firms), random.Random(seed)
    written: list[tuple[str, datetime.date, str, str]] = []
    copies = 0
    for index in range(count):
        if written and rng.random() < copy_share:
            title, day, speaker, body = rng.choice(written)
            body = "\n\n".join(copy_with(rng, body.split("\n\n"), rng.choice(EDITS)))
            title, copies = f"{title} (carried)", copies + 1
        else:
            release = 3_100_000 + seed * 100_000 + index
            title, day, speaker, body = prose.statement(release_id=release)
            written.append((title, day, speaker, body))
        text = f"{title}\n\nDate: {day.isoformat()}\nSpeaker: {speaker}\n\n{body}\n"
        (folder / f"statement-{index:05d}.txt").write_text(text, encoding="utf-8")
    return copies


# --- Phases ----------------------------------------------------------------------------------


def bench_pipeline(work: Path, count: int, firms: list[str], profiler: Profiler) -> None:
    from django.conf import settings

    from opportunities.models import Suggestion
    from statements.imports import source_import
    from statements.models import Mention, RawItem, Statement

    folder = work / "statements"
    folder.mkdir()
    started = time.perf_counter()
    size = statements_write(folder, count, seed=1, firms=firms)
    line(
        f"generated: {count} statements, {size / count / 1024:.1f} KB each on average, "
        f"written in {time.perf_counter() - started:.1f} s (not counted below)"
    )
    source = folder_source(folder, "Benchmark folder")

    with profiler.phase("import"):
        run, store_s, extract_s, store_q, extract_q = pipeline_run(source.pk)
    new = len(run.new_statement_ids)
    total_s = store_s + extract_s
    line(
        f"import run: status {run.status}, fetched {run.fetched}, new {run.new}, "
        f"failed {run.failed}"
    )
    line(
        f"store (source_import): {store_s:.1f} s, {new / store_s:.0f} statements/s, "
        f"{store_q / max(new, 1):.1f} queries/statement"
    )
    line(
        f"extract (extract_statements tasks + their suggestion tasks): {extract_s:.1f} s, "
        f"{new / extract_s:.0f} statements/s, {extract_q / max(new, 1):.1f} queries/statement"
    )
    line(
        f"store + extract: {total_s:.1f} s, {new / total_s:.0f} statements/s "
        f"(target >= {TARGET_PIPELINE_PER_S}): {verdict(new / total_s >= TARGET_PIPELINE_PER_S)}"
    )
    line(
        f"pipeline output: {Mention.objects.count() / max(new, 1):.1f} mentions/statement, "
        f"{Suggestion.objects.count()} suggestions"
    )
    database = Path(settings.DATABASES["default"]["NAME"])
    line(
        f"database after import + extract: {database.stat().st_size / 2**20:.0f} MB; "
        f"peak RSS so far: {max_rss_mb():.0f} MB"
    )

    statements, raw_items = Statement.objects.count(), RawItem.objects.count()
    with profiler.phase("reimport"), counting_queries() as queries:
        started = time.perf_counter()
        again = source_import(source_id=source.pk)
        reimport_s = time.perf_counter() - started
    unchanged = (
        again.new == 0
        and Statement.objects.count() == statements
        and RawItem.objects.count() == raw_items
    )
    line(
        f"re-import of the same {again.fetched}: {reimport_s:.2f} s, {queries.count} queries "
        f"(target < {TARGET_REIMPORT_S:.0f} s): {verdict(reimport_s < TARGET_REIMPORT_S)}"
    )
    line(
        f"re-import stored nothing new: {'yes' if unchanged else 'NO'} (new {again.new}, "
        f"duplicate {again.duplicate}, statements {Statement.objects.count()}, "
        f"raw items {RawItem.objects.count()})"
    )


def bench_grouping(work: Path, count: int, firms: list[str], profiler: Profiler) -> None:
    """Store + extract of the same kind of folder with story grouping off, then on: what the
    MinHash signatures, the band look-ups and the bands' inserts cost, and what they save (a
    copy is not extracted)."""
    from django.test import override_settings

    from statements.models import Statement, StatementBand, Story

    rates = {}
    for seed, grouping in ((2, False), (3, True)):
        folder = work / f"grouping-{'on' if grouping else 'off'}"
        folder.mkdir()
        copies = statements_with_copies_write(folder, count, seed=seed, firms=firms)
        source = folder_source(folder, f"Grouping {'on' if grouping else 'off'}")
        with (
            override_settings(STATEMENTS_GROUP_STORIES=grouping),
            profiler.phase(f"grouping-{'on' if grouping else 'off'}"),
        ):
            run, store_s, extract_s, store_q, _ = pipeline_run(source.pk)
        new = len(run.new_statement_ids)
        rates[grouping] = (new / (store_s + extract_s), store_s / new, extract_s / new)
        grouped = Statement.objects.filter(source=source, is_copy=True).count()
        line(
            f"grouping {'on ' if grouping else 'off'}: {new} statements ({copies} written as "
            f"edited copies), store {store_s:.1f} s ({store_q / max(new, 1):.1f} "
            f"queries/statement), extract {extract_s:.1f} s; store + extract "
            f"{rates[grouping][0]:.0f} statements/s; copies grouped {grouped}"
        )
    on, off = rates[True], rates[False]
    line(
        f"grouping cost: store {1000 * (on[1] - off[1]):+.2f} ms/statement, extract "
        f"{1000 * (on[2] - off[2]):+.2f} ms/statement (copies skipped); stories "
        f"{Story.objects.count()}, bands {StatementBand.objects.count()}; store + extract with "
        f"grouping on {on[0]:.0f} statements/s (target >= {TARGET_PIPELINE_PER_S}): "
        f"{verdict(on[0] >= TARGET_PIPELINE_PER_S)}"
    )


def bench_html(count: int, firms: list[str], profiler: Profiler) -> None:
    from statements.parse import ParseError, parse_html

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    pages = pages_generate(count, seed=2, firms=firms)
    average = sum(map(len, pages)) / len(pages) / 1024
    parse_html(pages[0])  # first call loads trafilatura's lazily built state
    failed = leaked = dated = 0
    text_bytes = 0
    with profiler.phase("html"):
        started = time.perf_counter()
        for page in pages:
            try:
                parsed = parse_html(page)
            except ParseError:
                failed += 1
                continue
            text_bytes += len(parsed.text)
            leaked += "FOOTER-MARKER" in parsed.text or "Screen Reader" in parsed.text
            dated += parsed.published_on is not None
        elapsed = time.perf_counter() - started
    per_s = count / elapsed
    line(
        f"parse_html: {count} pages of {average:.1f} KB HTML, {elapsed:.1f} s, "
        f"{per_s:.0f} pages/s, "
        f"{elapsed / count * 1000:.1f} ms/page (target >= {TARGET_PAGES_PER_S}): "
        f"{verdict(per_s >= TARGET_PAGES_PER_S)}"
    )
    parsed_count = max(count - failed, 1)
    line(
        f"parse_html output: {failed} failed, {text_bytes / parsed_count / 1024:.1f} KB text/page, "
        f"furniture kept in {leaked}, date found in {dated}"
    )


PDF_PROSE = (
    "India Japan agreed to deepen co-innovation and co-design in unmanned systems; both "
    "sides welcomed the investment partnership between their defence industries"
)


def bench_pdf(count: int, profiler: Profiler) -> None:
    """5-page PDF statements through the importer's own path (`parse_any`: PDFium's text
    layer, metadata, NFC, language detection), written by the tests' PDF writer."""
    import random

    from statements.parse import parse_any
    from tests.statements.pdfs import pdf_bytes

    rng = random.Random(5)
    words = PDF_PROSE.split()
    documents = [
        pdf_bytes(
            ["\n".join(" ".join(rng.choices(words, k=12)) for _ in range(45)) for _ in range(5)],
            title=f"Notice {n}",
            created="D:20230320100000Z",
        )
        for n in range(count)
    ]
    parse_any(documents[0], "application/pdf", None, "", "")  # loads the language model
    with profiler.phase("pdf"):
        started = time.perf_counter()
        pages = sum(parse_any(data, "application/pdf", None, "", "").pages for data in documents)
        elapsed = time.perf_counter() - started
    per_s = pages / elapsed
    size = sum(map(len, documents)) / count / 1024
    line(
        f"parse_any on PDFs: {count} documents of 5 pages ({size:.0f} KB), {elapsed:.1f} s, "
        f"{per_s:.0f} pages/s (target >= {TARGET_PDF_PAGES_PER_S}): "
        f"{verdict(per_s >= TARGET_PDF_PAGES_PER_S)}"
    )


def bench_find_mentions(firms: list[str], profiler: Profiler) -> None:
    from partners.models import Country, Firm
    from statements.extract import find_mentions, gazetteer_build, gazetteer_get

    baseline = len(gazetteer_build().automaton)
    generated = firm_names_generate((GAZETTEER_TERMS - baseline) // 2, seed=3)
    countries = dict(Country.objects.values_list("code", "pk"))
    Firm.objects.bulk_create(
        (
            Firm(name=name, aliases=[alias], country_id=countries[code])
            for name, alias, code in generated
        ),
        batch_size=2000,
    )
    with profiler.phase("gazetteer_build"):
        started = time.perf_counter()
        gazetteer = gazetteer_build()
        build_s = time.perf_counter() - started
    line(
        f"gazetteer_build: {len(gazetteer.automaton)} terms ({len(generated)} generated firms "
        f"with one alias each), {build_s:.2f} s"
    )
    gazetteer_get()  # builds and caches; the calls timed next only compare versions
    started = time.perf_counter()
    for _ in range(100):
        gazetteer_get()
    line(
        f"gazetteer_get, unchanged (version query per extraction batch): "
        f"{(time.perf_counter() - started) * 10:.2f} ms"
    )

    terms = [term for name, alias, _ in generated for term in (name, alias)] + firms
    prose = Prose(seed=4, firms=terms)
    documents = [prose.statement(9_000_000 + n, size=DOCUMENT_BYTES)[3] for n in range(DOCUMENTS)]
    find_mentions(documents[0], gazetteer)
    timings, mentions = [], 0
    with profiler.phase("find_mentions"):
        for document in documents:
            started = time.perf_counter()
            found = find_mentions(document, gazetteer)
            timings.append((time.perf_counter() - started) * 1000)
            mentions += len(found)
    median = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    size = sum(map(len, documents)) / len(documents) / 1024
    line(
        f"find_mentions: {DOCUMENTS} documents of {size:.1f} KB, "
        f"{mentions / DOCUMENTS / size:.0f} mentions/KB, median {median:.2f} ms "
        f"(target < {TARGET_FIND_MS:.0f} ms): {verdict(median < TARGET_FIND_MS)}, "
        f"p95 {p95:.2f} ms: {verdict(p95 < TARGET_FIND_MS)}"
    )

    # The same gazetteer on the project's own real statements, to check the generated prose is
    # not far denser in terms than the real thing.
    from statements.parse import parse_text

    samples = sorted((PROJECT / "statements" / "samples").glob("*.txt"))
    real = "\n\n".join(parse_text(path.read_bytes()).text for path in samples)
    timings = []
    for _ in range(DOCUMENTS):
        started = time.perf_counter()
        found = find_mentions(real, gazetteer)
        timings.append((time.perf_counter() - started) * 1000)
    size = len(real) / 1024
    line(
        f"find_mentions on statements/samples ({len(samples)} real statements joined, "
        f"{size:.1f} KB): {len(found) / size:.0f} mentions/KB, "
        f"median {statistics.median(timings):.2f} ms"
    )

    # Statements in Japanese, Korean and French (the labelled ones of bench/extraction/), ten
    # copies joined: the script rules and the per-language automaton at work.
    for language, pattern in (("ja", "ja-*.txt"), ("ko", "ko-*.txt"), ("fr", "fr-armees-france*")):
        text = (
            "\n\n".join(
                path.read_text(encoding="utf-8")
                for path in (PROJECT / "bench" / "extraction").glob(pattern)
            )
            * 10
        )
        timings = []
        for _ in range(DOCUMENTS):
            started = time.perf_counter()
            found = find_mentions(text, gazetteer, language)
            timings.append((time.perf_counter() - started) * 1000)
        size = len(text.encode()) / 1024
        line(
            f"find_mentions on a {language} statement x10 ({size:.1f} KB UTF-8): "
            f"{len(found)} mentions, median {statistics.median(timings):.2f} ms"
        )


def high_water_mb() -> float:
    """This process's peak RSS. On Linux VmHWM, because ru_maxrss survives fork and exec and
    would report the parent's peak in a child."""
    try:
        for entry in Path("/proc/self/status").read_text().splitlines():
            if entry.startswith("VmHWM:"):
                return int(entry.split()[1]) / 1024
    except OSError:
        pass
    return max_rss_mb()


def memory_pass(count: int, extract_count: int) -> dict:
    """In a child process, on its own fresh database: the import of `count` statements, then the
    extraction of the first `extract_count` of them, under tracemalloc, so that tracing does not
    slow the timed run."""
    with tempfile.TemporaryDirectory(prefix="import-bench-memory-") as tmp:
        work = Path(tmp)
        django_setup(work / "bench.sqlite3")
        firms = firms_create()
        folder = work / "statements"
        folder.mkdir()
        statements_write(folder, count, seed=1, firms=firms)
        source = folder_source(folder, "Benchmark folder")
        from statements.imports import source_import
        from statements.tasks import queue_extraction

        rss_before = high_water_mb()
        tracemalloc.start()
        run = source_import(source_id=source.pk)
        _, store_peak = tracemalloc.get_traced_memory()
        rss_store = high_water_mb()
        tracemalloc.reset_peak()
        queue_extraction(run.new_statement_ids[:extract_count])
        _, extract_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return {
            "stored": run.new,
            "extracted": min(extract_count, run.new),
            "store_peak_mb": store_peak / 2**20,
            "extract_peak_mb": extract_peak / 2**20,
            "rss_before_mb": rss_before,
            "rss_store_mb": rss_store,
            "rss_mb": high_water_mb(),
        }


def bench_memory(count: int, extract_count: int) -> float:
    command = [
        *(sys.executable, __file__, "--memory-pass"),
        *("--statements", str(count), "--memory-extract", str(extract_count)),
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    line(
        f"tracemalloc peak: import of {figures['stored']} {figures['store_peak_mb']:.1f} MB, "
        f"extraction of the first {figures['extracted']} {figures['extract_peak_mb']:.1f} MB "
        f"(separate process, fresh database)"
    )
    line(
        f"peak RSS of that process (VmHWM, tracemalloc's own included): "
        f"{figures['rss_before_mb']:.0f} MB before the import, "
        f"{figures['rss_store_mb']:.0f} MB after it, {figures['rss_mb']:.0f} MB after extraction"
    )
    return max(figures["store_peak_mb"], figures["extract_peak_mb"])


def machine() -> str:
    import sqlite3

    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    return (
        f"machine: {os.cpu_count()} CPUs, {platform.machine()} {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}"
        f"; load average at start {load}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=10_000, help="default 10000")
    parser.add_argument("--pages", type=int, default=1_000, help="default 1000")
    parser.add_argument("--profile", type=Path, help="write a cProfile .prof per phase here")
    parser.add_argument(
        "--memory-extract",
        type=int,
        default=1_000,
        help="statements extracted under tracemalloc in the memory pass (default 1000)",
    )
    parser.add_argument("--memory-pass", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.memory_pass:
        print(json.dumps(memory_pass(args.statements, args.memory_extract)))
        return

    profiler = Profiler(args.profile)
    started = time.perf_counter()
    line(machine())
    line(f"date: {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        work = Path(tmp)
        django_setup(work / "bench.sqlite3")
        from django.conf import settings

        line(
            f"settings: DEBUG={settings.DEBUG}, "
            f"tasks in-process={settings.CELERY_TASK_ALWAYS_EAGER}"
        )
        firms = firms_create()
        bench_pipeline(work, args.statements, firms, profiler)
        bench_grouping(work, max(args.statements // 5, 200), firms, profiler)
        bench_html(args.pages, firms, profiler)
        bench_pdf(max(args.pages // 5, 10), profiler)
        bench_find_mentions(firms, profiler)
        rss = max_rss_mb()
        line(
            f"peak RSS, whole run: {rss:.0f} MB (target < {TARGET_MEMORY_MB}): "
            f"{verdict(rss < TARGET_MEMORY_MB)}"
        )
    traced = bench_memory(args.statements, args.memory_extract)
    line(f"tracemalloc peak (target < {TARGET_MEMORY_MB}): {verdict(traced < TARGET_MEMORY_MB)}")
    load = ", ".join(f"{figure:.1f}" for figure in os.getloadavg())
    line(f"total run time: {time.perf_counter() - started:.0f} s; load average at end {load}")


if __name__ == "__main__":
    main()
