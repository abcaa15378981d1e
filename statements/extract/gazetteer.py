"""The gazetteer: every name, alias, demonym, keyword and policy phrase, in one Aho-Corasick
automaton over case-folded text, cached per process and rebuilt when the partners data moves."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import ahocorasick
from django.db.models import CharField, Count, Max, Value

from partners.models import Contact, Country, Firm, InvestmentArea, PolicyOpening

from ..models import Mention

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
PROPER_NOUNS = frozenset({Kind.COUNTRY, Kind.FIRM, Kind.CONTACT})
# Length-preserving clean-up, so offsets in the folded text are offsets in the original: any
# whitespace becomes a space, hyphens and apostrophes their ASCII forms.
FOLD = str.maketrans(
    {
        **{chr(code): " " for code in range(0x3001) if chr(code).isspace()},
        "\u2010": "-",
        "\u2011": "-",
        "\u2019": "'",
    }
)


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
    entries: tuple[Entry, ...]
    # The distinct (kind, entity id) pairs of the entries, for the usual case where all match.
    entities: tuple[tuple[str, int | None], ...]
    any_case: bool


@dataclass(frozen=True)
class Gazetteer:
    version: tuple
    automaton: ahocorasick.Automaton
    country_codes: dict[int, str]


def fold(text: str) -> str:
    folded = text.lower()
    if len(folded) != len(text):  # "İ" lower-cases to two characters; keep such ones as they are
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return folded.translate(FOLD)


def _case(kind: str, term: str) -> str:
    letters = [c for c in term if c.isalpha()]
    if 0 < len(letters) <= 3 and all(c.isupper() for c in letters):
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
            entry = Entry(kind, entity_id, term, _case(kind, term))
            key = (kind, entity_id, entry.case, term if entry.case == "caps" else "")
            entries.setdefault(fold(term), {}).setdefault(key, entry)

    country_codes = {}
    for pk, code, *terms in Country.objects.values_list(
        "pk", "code", "name", "official_name", "aliases", "demonyms"
    ):
        country_codes[pk] = code
        add(Kind.COUNTRY, pk, [terms[0], terms[1], *(terms[2] or []), *(terms[3] or [])])
    for kind, model in ((Kind.FIRM, Firm), (Kind.CONTACT, Contact)):
        for pk, name, aliases in model.objects.values_list("pk", "name", "aliases"):
            add(kind, pk, [name, *(aliases or [])])
    for pk, keywords in InvestmentArea.objects.values_list("pk", "keywords"):
        add(Kind.AREA, pk, list(keywords or []))
    add(Kind.POLICY, None, list(POLICY_PHRASES))

    automaton = ahocorasick.Automaton()
    for key, by_entity in entries.items():
        found = tuple(by_entity.values())
        entities = tuple(dict.fromkeys((entry.kind, entry.entity_id) for entry in found))
        any_case = all(entry.case == "any" for entry in found)
        automaton.add_word(key, Match(len(key), found, entities, any_case))
    if entries:
        automaton.make_automaton()
    return Gazetteer(version=version, automaton=automaton, country_codes=country_codes)


_cached: Gazetteer | None = None


def gazetteer_get() -> Gazetteer:
    # Building reads every country, firm, contact and area, too slow to do per batch; but staff
    # edit aliases in the admin while workers run, so each call compares a one-query version
    # (count + latest updated_at per model) and rebuilds in this process when it moved.
    # (A QuerySet.update() that leaves updated_at alone would go unseen; none touches these.)
    global _cached
    version = gazetteer_version()
    if _cached is None or _cached.version != version:
        _cached = gazetteer_build(version=version)
    return _cached
