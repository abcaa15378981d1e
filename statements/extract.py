"""Find countries, firms, contacts, investment areas and policy phrases in a statement's text.

One Aho-Corasick pass over the lower-cased text finds every gazetteer term at once; matches are
kept at word boundaries and overlaps go to the longest term. `find_mentions` is pure;
`statement_extract` stores what it finds and links the statement.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import partial
from typing import NamedTuple

import ahocorasick
from django.conf import settings
from django.db import transaction
from django.db.models import CharField, Count, Max, Value
from django.utils import timezone

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening

from .models import Mention, Statement
from .signals import statement_extracted

Kind = Mention.Kind
OpeningKind = PolicyOpening.Kind

# Phrase -> the kind of policy opening it points to; None marks a phrase worth a mention that
# does not open anything by itself ("Make in India" is the standing policy, not a new door).
POLICY_PHRASES: dict[str, str | None] = {
    "foreign direct investment": OpeningKind.FDI,
    "FDI": OpeningKind.FDI,
    "automatic route": OpeningKind.FDI,
    "government route": OpeningKind.FDI,
    "liberalisation": OpeningKind.FDI,
    "liberalization": OpeningKind.FDI,
    "liberalised": OpeningKind.FDI,
    "liberalized": OpeningKind.FDI,
    "policy framework liberalization": OpeningKind.FDI,
    "policy framework liberalisation": OpeningKind.FDI,
    "completely open": OpeningKind.FDI,
    "74%": OpeningKind.FDI,
    "private sector investment": OpeningKind.FDI,
    "private sector investments": OpeningKind.FDI,
    "offset": OpeningKind.OFFSETS,
    "offsets": OpeningKind.OFFSETS,
    "positive indigenisation list": OpeningKind.PROCUREMENT,
    "positive indigenization list": OpeningKind.PROCUREMENT,
    "industrial licensing": OpeningKind.OTHER,
    "Make in India": None,
}
# Stable titles: get_or_create by (country, title) finds the same candidate on re-extraction.
OPENING_TITLES = {
    OpeningKind.FDI: "Defence FDI opening (from statement)",
    OpeningKind.OFFSETS: "Defence offsets policy (from statement)",
    OpeningKind.PROCUREMENT: "Defence procurement opening (from statement)",
    OpeningKind.OTHER: "Defence industrial policy (from statement)",
}
OPENING_PRIORITY = (
    OpeningKind.FDI,
    OpeningKind.OFFSETS,
    OpeningKind.PROCUREMENT,
    OpeningKind.OTHER,
)
# "United States industry", "Japanese companies": the country benefits from the policy named in
# the sentence, it does not own it.
BENEFICIARY = re.compile(
    r"\s+(industry|industries|firms?|compan(y|ies)|investors|manufacturers|OEMs|suppliers|vendors)"
    r"\b",
    re.IGNORECASE,
)
SNIPPET_LIMIT = 300
SENTENCE_LIMIT = 2000
SENTENCE_END = re.compile("[.!?][\"'\u201d\u2019)\\]]*(?=\\s|$)|\n")
# Words whose full stop does not end a sentence ("Smt. Radhika Iyengar", "the U.S. Navy").
# fmt: off
ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "smt", "shri", "mme", "st", "no", "nos", "vs", "viz", "e.g",
    "i.e", "h.e", "u.s", "u.k", "u.s.a", "u.a.e", "jr", "sr", "lt", "col", "gen", "capt",
    "cdr", "adm", "brig", "maj", "hon", "prof", "govt", "dept", "approx"
})
# fmt: on
# Length-preserving clean-up, so offsets in the folded text are offsets in the original.
FOLD = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2019": "'", "\xa0": " "})


class Entry(NamedTuple):
    kind: str
    entity_id: int | None
    term: str
    caps_only: bool


@dataclass(frozen=True)
class Gazetteer:
    version: tuple
    automaton: ahocorasick.Automaton
    country_codes: dict[int, str]


@dataclass(frozen=True)
class Found:
    kind: str
    entity_id: int | None
    term: str
    start: int
    end: int
    snippet: str
    sentence: int


@dataclass(frozen=True)
class ExtractResult:
    statement_id: int
    mentions: tuple[Found, ...]
    countries: frozenset[int]
    firms: frozenset[int]
    contacts: frozenset[int]
    areas: frozenset[int]
    policy_openings: frozenset[int]


def fold(text: str) -> str:
    folded = text.lower()
    if len(folded) != len(text):  # "İ" lower-cases to two characters; keep such ones as they are
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return re.sub(r"\s", " ", folded.translate(FOLD))


POLICY_KINDS = {fold(phrase): kind for phrase, kind in POLICY_PHRASES.items()}


def _caps_only(term: str) -> bool:
    letters = [c for c in term if c.isalpha()]
    return 0 < len(letters) <= 3 and all(c.isupper() for c in letters)


def gazetteer_version() -> tuple:
    """Count and latest edit per gazetteer model, in one query."""
    parts = [
        model.objects.order_by()
        .values(model_name=Value(model.__name__, output_field=CharField()))
        .annotate(rows=Count("pk"), latest=Max("updated_at"))
        for model in (Country, Firm, Contact, InvestmentArea)
    ]
    rows = parts[0].union(*parts[1:], all=True)
    return tuple(sorted((row["model_name"], row["rows"], row["latest"]) for row in rows))


def gazetteer_build(*, version: tuple = ()) -> Gazetteer:
    entries: dict[str, dict[tuple, Entry]] = {}

    def add(kind: str, entity_id: int | None, terms: list) -> None:
        for term in terms:
            term = term.strip() if isinstance(term, str) else ""
            if len(term) < 2:
                continue
            entry = Entry(kind, entity_id, term, _caps_only(term))
            key = (kind, entity_id, entry.caps_only, term if entry.caps_only else "")
            entries.setdefault(fold(term), {}).setdefault(key, entry)

    country_codes = {}
    for pk, code, *terms in Country.objects.values_list(
        "pk", "code", "name", "official_name", "aliases", "demonyms"
    ):
        country_codes[pk] = code
        add(Kind.COUNTRY, pk, [terms[0], terms[1], *(terms[2] or []), *(terms[3] or [])])
    for kind, model, fields in (
        (Kind.FIRM, Firm, ("name", "aliases")),
        (Kind.CONTACT, Contact, ("name", "aliases")),
    ):
        for pk, name, aliases in model.objects.values_list("pk", *fields):
            add(kind, pk, [name, *(aliases or [])])
    for pk, keywords in InvestmentArea.objects.values_list("pk", "keywords"):
        add(Kind.AREA, pk, list(keywords or []))
    add(Kind.POLICY, None, list(POLICY_PHRASES))

    automaton = ahocorasick.Automaton()
    for key, by_entity in entries.items():
        automaton.add_word(key, (len(key), tuple(by_entity.values())))
    if entries:
        automaton.make_automaton()
    return Gazetteer(version=version, automaton=automaton, country_codes=country_codes)


_cached: Gazetteer | None = None


def gazetteer_get() -> Gazetteer:
    # Building reads every country, firm, contact and area, too slow to do per statement; but
    # staff edit aliases in the admin while workers run, so each call compares a one-query
    # version (count + latest updated_at per model) and rebuilds in this process when it moved.
    # (A QuerySet.update() that leaves updated_at alone would go unseen; none touches these.)
    global _cached
    version = gazetteer_version()
    if _cached is None or _cached.version != version:
        _cached = gazetteer_build(version=version)
    return _cached


def sentence_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    for match in SENTENCE_END.finditer(text):
        if match.group() != "\n" and not _ends_sentence(text, start, match.start(), match.end()):
            continue
        _push_span(spans, text, start, match.end())
        start = match.end()
    _push_span(spans, text, start, len(text))
    return spans


def _ends_sentence(text: str, start: int, mark: int, after: int) -> bool:
    following = re.match(r"\s*(\S)", text[after : after + 20])
    if following and following.group(1).islower():
        return False
    if text[mark] != ".":
        return True
    token = re.search(r"[\w.]+$", text[max(start, mark - 12) : mark])
    word = token.group() if token else ""
    return not (word.lower() in ABBREVIATIONS or (len(word) == 1 and word.isupper()))


def _push_span(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start < end:
        spans.append((start, end))


def _snippet(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    low, high = sentence
    if high - low <= SNIPPET_LIMIT:
        return text[low:high]
    # A window of the sentence centred on the mention, cut at spaces.
    left = max(low, min((start + end - SNIPPET_LIMIT) // 2, high - SNIPPET_LIMIT))
    right = min(high, left + SNIPPET_LIMIT)
    if left > low and (space := text.find(" ", left, start)) != -1:
        left = space + 1
    if right < high and (space := text.rfind(" ", end, right)) != -1:
        right = space
    return f"{'…' if left > low else ''}{text[left:right]}{'…' if right < high else ''}"


PROPER_NOUNS = frozenset({Kind.COUNTRY, Kind.FIRM, Kind.CONTACT})


def _matches_case(entry, surface: str) -> bool:
    """Short all-caps terms match only in capitals; names match only capitalised, so "turkey",
    "chad" or "polish" in running text are not countries."""
    if entry.caps_only:
        return surface == entry.term
    if entry.kind in PROPER_NOUNS and entry.term[:1].isupper():
        return not surface[:1].islower()
    return True


def find_mentions(text: str, gazetteer: Gazetteer) -> list[Found]:
    """Every gazetteer term in `text`, one Found per entity the term stands for."""
    if not text or not len(gazetteer.automaton):
        return []
    candidates = []
    for last, (length, entries) in gazetteer.automaton.iter(fold(text)):
        start, end = last - length + 1, last + 1
        if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
            continue
        surface = text[start:end]
        kept = [entry for entry in entries if _matches_case(entry, surface)]
        if kept:
            candidates.append((start, end, kept))
    candidates.sort(key=lambda candidate: (candidate[0] - candidate[1], candidate[0]))
    sentences = sentence_spans(text)
    sentence_starts = [low for low, _ in sentences]
    taken = bytearray(len(text))
    found = []
    for start, end, kept in candidates:
        if taken.find(1, start, end) != -1:
            continue
        taken[start:end] = b"\x01" * (end - start)
        index = max(bisect_right(sentence_starts, start) - 1, 0)
        snippet = _snippet(text, sentences[index], start, end)
        for kind, entity_id in dict.fromkeys((entry.kind, entry.entity_id) for entry in kept):
            found.append(Found(kind, entity_id, text[start:end], start, end, snippet, index))
    found.sort(key=lambda item: (item.start, item.kind, item.entity_id or 0))
    return found


def policy_candidates(
    text: str, found: list[Found], gazetteer: Gazetteer, home_code: str
) -> dict[tuple[int, str], str]:
    """(country id, opening kind) -> the sentence that proposes it.

    Policy phrases propose an opening where they share a sentence with a country whose policy
    it can be: the home country when the sentence names it ("completely open in India"), else
    the named country nearest the phrase. A country named only as a beneficiary ("United States
    firms", "Japanese companies") owns nothing.
    """
    by_sentence: dict[int, list[Found]] = {}
    for item in found:
        by_sentence.setdefault(item.sentence, []).append(item)
    proposals: dict[tuple[int, str], str] = {}
    sentences = sentence_spans(text)
    for items in by_sentence.values():
        phrases = [(POLICY_KINDS.get(fold(i.term)), i) for i in items if i.kind == Kind.POLICY]
        present = {phrase_kind for phrase_kind, _ in phrases}
        kind = next((k for k in OPENING_PRIORITY if k in present), None)
        if kind is None:
            continue
        countries = [
            item
            for item in items
            if item.kind == Kind.COUNTRY and not BENEFICIARY.match(text, item.end)
        ]
        home = [c for c in countries if gazetteer.country_codes.get(c.entity_id) == home_code]
        owners = home or countries
        if not owners:
            continue
        phrase = next(item for phrase_kind, item in phrases if phrase_kind == kind)
        owner = min(owners, key=lambda country: abs(country.start - phrase.start))
        if (owner.entity_id, kind) not in proposals:
            low, high = sentences[phrase.sentence]
            proposals[owner.entity_id, kind] = text[low:high][:SENTENCE_LIMIT]
    return proposals


def statement_extract(*, statement_id: int) -> ExtractResult:
    """Replace the statement's mentions and links with what its text names now.

    Idempotent: mentions are deleted and re-created, links set, and candidate openings found by a
    stable (country, title), so running it twice leaves the same rows.
    """
    gazetteer = gazetteer_get()
    with transaction.atomic():
        # Serialises two extractions of one statement, which would otherwise both insert spans.
        statement = Statement.objects.select_for_update().get(pk=statement_id)
        found = find_mentions(statement.text, gazetteer)
        Mention.objects.filter(statement=statement).delete()
        Mention.objects.bulk_create(_mention(statement, item) for item in _one_per_span(found))
        ids = {kind: frozenset(i.entity_id for i in found if i.kind == kind) for kind in Kind}
        statement.countries.set(ids[Kind.COUNTRY])
        statement.firms.set(ids[Kind.FIRM])
        statement.contacts.set(ids[Kind.CONTACT])
        statement.areas.set(ids[Kind.AREA])
        openings = _openings_propose(statement, found, gazetteer)
        # add(), not set(): staff may link openings by hand, and extraction must not undo that.
        statement.policy_openings.add(*openings)
        Statement.objects.filter(pk=statement.pk).update(extracted_at=timezone.now())
        transaction.on_commit(
            partial(statement_extracted.send, sender=Statement, statement_id=statement.pk)
        )
    return ExtractResult(
        statement_id=statement.pk,
        mentions=tuple(found),
        countries=ids[Kind.COUNTRY],
        firms=ids[Kind.FIRM],
        contacts=ids[Kind.CONTACT],
        areas=ids[Kind.AREA],
        policy_openings=frozenset(opening.pk for opening in openings),
    )


def _one_per_span(found: list[Found]) -> list[Found]:
    # A mention is unique per (statement, kind, span): when one term names two entities of a
    # kind, both are linked to the statement but the span is stored once, for the first.
    seen: set[tuple[str, int, int]] = set()
    kept = []
    for item in found:
        if (item.kind, item.start, item.end) not in seen:
            seen.add((item.kind, item.start, item.end))
            kept.append(item)
    return kept


def _mention(statement: Statement, item: Found) -> Mention:
    entity = {} if item.kind == Kind.POLICY else {f"{item.kind}_id": item.entity_id}
    return Mention(
        statement=statement,
        kind=item.kind,
        term=item.term[:200],
        start=item.start,
        end=item.end,
        snippet=item.snippet,
        **entity,
    )


def _openings_propose(
    statement: Statement, found: list[Found], gazetteer: Gazetteer
) -> list[PolicyOpening]:
    proposals = policy_candidates(statement.text, found, gazetteer, settings.TRACKER_HOME_COUNTRY)
    openings = []
    for (country_id, kind), sentence in sorted(proposals.items()):
        # iexact, as the unique constraint is on the lower-cased title.
        opening, _ = PolicyOpening.objects.get_or_create(
            country_id=country_id,
            title__iexact=OPENING_TITLES[kind],
            defaults={
                "title": OPENING_TITLES[kind],
                "kind": kind,
                "status": PolicyOpening.Status.CANDIDATE,
                "summary": f"Proposed by extraction from “{statement.title}”: {sentence}",
            },
        )
        openings.append(opening)
    return openings
