"""The gazetteer: every name, alias, demonym, keyword and vocabulary term (policy, commitment,
place and defence-context phrases), in one Aho-Corasick automaton over case-folded text, cached
per process and rebuilt when the partners data moves.

Country names in other languages (`Country.translated_names`) join it: those in a script of
their own (Japanese, Korean, Hindi) in the one automaton, as their script already says the
language; those in Latin letters ("Inde", "Island", "Maurice") in an automaton per language,
read only in statements of that language, since many are English words or names too."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import ahocorasick
from django.db.models import CharField, Count, Max, Value

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening, Term

from ..models import Mention
from .folding import fold, variants
from .scripts import LATIN_END, edges_of, is_latin

Kind = Mention.Kind
OpeningKind = PolicyOpening.Kind
# Terms that mark a sentence without taking its span: "defence" inside "defence exports" still
# says the sentence is about defence, and "agreed to" competes with no name.
CUE_KINDS = frozenset({Term.Kind.COMMITMENT, Term.Kind.CONTEXT, Term.Kind.OFF_TOPIC})
PROPER_NOUNS = frozenset({Kind.COUNTRY, Kind.FIRM, Kind.CONTACT, Kind.PLACE})


class Entry(NamedTuple):
    kind: str
    entity_id: int | None
    term: str
    # How the words must look in the text: "caps" (short all-caps terms such as "HAL" match only
    # so), "capitalised" (names: "turkey" or "polish" in running text are not countries), "any".
    case: str


class Match(NamedTuple):
    """What the automaton holds per folded term."""

    length: int
    entries: tuple[Entry, ...]  # those that take the span (names, areas, policy, places)
    # The distinct (kind, entity id) pairs of the entries, for the usual case where all match.
    entities: tuple[tuple[str, int | None], ...]
    any_case: bool
    cues: tuple[Entry, ...]  # commitment and context phrases: they take no span
    # How the term meets its neighbours when it does not start and end in Latin letters (see
    # scripts.py): Japanese and Korean are not written in separate words. None: word bounds.
    edges: tuple[str, str] | None = None


@dataclass(frozen=True)
class Gazetteer:
    version: tuple
    automaton: ahocorasick.Automaton
    country_codes: dict[int, str]
    # Folded policy phrase -> the opening kind it points to ("" for none).
    policy_kinds: dict[str, str] = field(default_factory=dict)
    # Folded area keywords that are a single common word: they count only beside defence.
    generic: frozenset[str] = frozenset()
    # For name candidates: every known name folded, surnames of contacts, and the names to
    # offer as "is this the same as ...?".
    known_names: frozenset[str] = frozenset()
    surnames: dict[str, tuple[int, ...]] = field(default_factory=dict)
    # First folded word of a name -> {id: name}, the known names a candidate is compared with.
    firms_by_word: dict[str, dict[int, str]] = field(default_factory=dict)
    contacts_by_word: dict[str, dict[int, str]] = field(default_factory=dict)
    country_terms: frozenset[str] = frozenset()  # every folded country name and demonym
    firm_countries: dict[int, int] = field(default_factory=dict)  # firm id -> its country's
    # Language code -> the automaton of its country names in Latin letters (see the top).
    by_language: dict[str, ahocorasick.Automaton] = field(default_factory=dict)

    @cached_property  # frozen, but cached_property writes the instance dict directly
    def country_ids(self) -> dict[str, int]:
        return {code: pk for pk, code in self.country_codes.items()}


def _case(kind: str, term: str) -> str:
    letters = [c for c in term if c.isalpha()]
    if 0 < len(letters) <= 3 and all(c.isupper() for c in letters):
        return "caps"
    # "iDEX" (the scheme) is not "IDEX" (the Abu Dhabi exhibition): a term that capitalises
    # inside a word that starts lower case is spelled one way only.
    if letters and letters[0].islower() and any(c.isupper() for c in letters[1:]):
        return "caps"
    if kind in PROPER_NOUNS and term[:1].isupper():
        return "capitalised"
    return "any"


def case_matches(entry: Entry, surface: str) -> bool:
    if entry.case == "caps":
        return surface == entry.term
    if entry.case == "capitalised":
        return not surface[:1].islower()
    return True


def gazetteer_version() -> tuple:
    """Count and latest edit per gazetteer model, in one query."""
    parts = [
        model.objects.order_by()
        .values(model_name=Value(model.__name__, output_field=CharField()))
        .annotate(rows=Count("pk"), latest=Max("updated_at"))
        for model in (Country, Firm, Contact, InvestmentArea, Term)
    ]
    rows = parts[0].union(*parts[1:], all=True)
    return tuple(sorted((row["model_name"], row["rows"], row["latest"]) for row in rows))


class _Builder:
    def __init__(self) -> None:
        self.entries: dict[str, dict[tuple, Entry]] = {}

    def add(self, kind: str, entity_id: int | None, terms: list) -> None:
        for term in terms:
            term = term.strip() if isinstance(term, str) else ""
            if len(term) < 2:
                continue
            entry = Entry(kind, entity_id, term, _case(kind, term))
            key = (kind, entity_id, entry.case, term if entry.case == "caps" else "")
            self.entries.setdefault(fold(term), {}).setdefault(key, entry)

    def automaton(self, *, leave_out: frozenset[str] = frozenset()) -> ahocorasick.Automaton:
        automaton = ahocorasick.Automaton()
        for key, by_entity in self.entries.items():
            if key in leave_out:
                continue
            found = tuple(by_entity.values())
            spanning = tuple(entry for entry in found if entry.kind not in CUE_KINDS)
            cues = tuple(entry for entry in found if entry.kind in CUE_KINDS)
            entities = tuple(dict.fromkeys((entry.kind, entry.entity_id) for entry in spanning))
            any_case = all(entry.case == "any" for entry in spanning)
            edges = None
            if not (key[0] <= LATIN_END and key[-1] <= LATIN_END):
                names = any(entry.kind in PROPER_NOUNS for entry in spanning)
                edges = edges_of(key, proper_noun=names)
            automaton.add_word(key, Match(len(key), spanning, entities, any_case, cues, edges))
        if len(automaton):
            automaton.make_automaton()
        return automaton


def _translations(value: object) -> list[tuple[str, str]]:
    """(language, name) pairs of a country's translated names; a malformed value (the field is
    checked on every form, but not on a raw update) gives none rather than failing a batch."""
    if not isinstance(value, dict):
        return []
    return [
        (language, name)
        for language, names in value.items()
        if isinstance(names, list)
        for name in names
        if isinstance(name, str)
    ]


@dataclass
class _Names:
    by_word: dict[str, dict[str, dict[int, str]]]
    known: set[str] = field(default_factory=set)
    surnames: dict[str, list[int]] = field(default_factory=dict)
    firm_countries: dict[int, int] = field(default_factory=dict)


def _names_add(builder: _Builder) -> _Names:
    """Every firm and contact into the builder, and what name candidates compare with."""
    names = _Names(by_word={Kind.FIRM: {}, Kind.CONTACT: {}})
    for kind, model in ((Kind.FIRM, Firm), (Kind.CONTACT, Contact)):
        for pk, name, aliases, country_id in model.objects.values_list(
            "pk", "name", "aliases", "country_id"
        ):
            builder.add(kind, pk, [name, *(aliases or [])])
            if words := fold(name).split():
                names.by_word[kind].setdefault(words[0], {})[pk] = name
            names.known.update(fold(term) for term in [name, *(aliases or [])])
            if kind == Kind.CONTACT and len(words) > 1:
                names.surnames.setdefault(words[-1], []).append(pk)
            if kind == Kind.FIRM:
                names.firm_countries[pk] = country_id
    return names


def gazetteer_build(*, version: tuple = ()) -> Gazetteer:
    builder = _Builder()
    by_language: dict[str, _Builder] = {}
    country_codes, country_terms = {}, set()
    for pk, code, *terms, translated in Country.objects.values_list(
        "pk", "code", "name", "official_name", "aliases", "demonyms", "translated_names"
    ):
        country_codes[pk] = code
        terms = [terms[0], terms[1], *(terms[2] or []), *(terms[3] or [])]
        builder.add(Kind.COUNTRY, pk, terms)
        for language, name in _translations(translated):
            if is_latin(name):
                by_language.setdefault(language, _Builder()).add(Kind.COUNTRY, pk, [name])
            else:
                builder.add(Kind.COUNTRY, pk, [name])
            terms.append(name)
        country_terms.update(fold(term) for term in terms if term)
    names = _names_add(builder)
    generic = set()
    for pk, keywords in InvestmentArea.objects.values_list("pk", "keywords"):
        for keyword in keywords or []:
            spellings = variants(keyword)
            builder.add(Kind.AREA, pk, spellings)
            # Only in scripts that space their words: 共同開発 has no space and is no common word.
            single = " " not in fold(keyword).strip() and is_latin(keyword)
            if single and _case(Kind.AREA, keyword) == "any":
                generic.update(fold(spelling).strip() for spelling in spellings)
    policy_kinds = {}
    for kind, phrase, opening_kind in Term.objects.filter(is_active=True).values_list(
        "kind", "phrase", "opening_kind"
    ):
        spellings = variants(phrase, inflect=kind not in CUE_KINDS)
        builder.add(Kind.POLICY if kind == Term.Kind.POLICY else kind, None, spellings)
        if kind == Term.Kind.POLICY:
            for spelling in spellings:
                policy_kinds.setdefault(fold(spelling), opening_kind)
    # A name that is also an English term ("India" in Spanish) is found by the one automaton.
    common = frozenset(builder.entries)
    return Gazetteer(
        version=version,
        automaton=builder.automaton(),
        by_language={
            language: automaton
            for language, names in by_language.items()
            if len(automaton := names.automaton(leave_out=common))
        },
        country_codes=country_codes,
        policy_kinds=policy_kinds,
        generic=frozenset(generic),
        known_names=frozenset(names.known),
        surnames={key: tuple(ids) for key, ids in names.surnames.items()},
        firms_by_word=names.by_word[Kind.FIRM],
        contacts_by_word=names.by_word[Kind.CONTACT],
        country_terms=frozenset(country_terms),
        firm_countries=names.firm_countries,
    )


_cached: Gazetteer | None = None


def gazetteer_get() -> Gazetteer:
    # Building reads every country, firm, contact, area and term, too slow to do per batch; but
    # staff edit aliases in the admin while workers run, so each call compares a one-query
    # version (count + latest updated_at per model) and rebuilds in this process when it moved.
    # (A QuerySet.update() that leaves updated_at alone would go unseen; none touches these.)
    global _cached
    version = gazetteer_version()
    if _cached is None or _cached.version != version:
        _cached = gazetteer_build(version=version)
    return _cached
