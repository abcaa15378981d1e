"""People and organisations a statement names that the gazetteer does not know yet.

A person is an honorific or an office followed by a capitalised name ("Shri Vinay Kwatra",
"Admiral R. Hari Kumar", "President Macron"); an organisation is a run of capitalised words
ending in a word that only names organisations ("Hanwha Aerospace", "Bharat Electronics
Limited"). A title and a surname that fit exactly one known contact are that contact; otherwise
the name is a candidate for staff, with the country its sentence suggests and, when one is close,
the known firm or contact it may be ("is this the same as Hanwha Aerospace?").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .folding import fold
from .gazetteer import Gazetteer, Kind
from .matching import Found
from .name_patterns import name_spans
from .sentences import Spans, sentence_spans, snippet

ADJACENT = 25  # characters between a name and a country that says whose it is
SEPARATED = re.compile(r"[,;:()]|\band\b|\bwith\b")
# Between a name and a party after it: another member of a list ("Minister X, and the French
# delegation", "X with the Japanese side"), not an apposition ("X, Minister of Australia").
LISTED = re.compile(r";|\band\b|\bwith\b")
INDIAN_HONORIFICS = frozenset({"shri", "smt", "kumari"})
SIMILAR = 88  # rapidfuzz WRatio from which a known name is offered as "the same as"


@dataclass(frozen=True)
class NameFound:
    kind: str  # "person" or "organisation"
    name: str
    title: str
    start: int
    end: int
    sentence: int
    sentence_text: str
    country_id: int | None
    similar_firm: int | None = None
    similar_contact: int | None = None


LEGAL_FORM = re.compile(
    r"\b(?:limited|ltd|co|corp|corporation|company|inc|incorporated|plc|llc|gmbh|pvt|private)\b"
    r"|[^\w\s]"
)


def _core(name: str) -> str:
    """The name without its legal form: "Hanwha Aerospace Co. Ltd" is "hanwha aerospace"."""
    return " ".join(LEGAL_FORM.sub(" ", fold(name)).split())


def _similar(name: str, index: dict[str, dict[int, str]]) -> int | None:
    # Only known names that share the first word are compared: a 20,000-firm gazetteer stays
    # cheap, and a name whose first word differs is seldom the same body.
    choices = index.get(fold(name.split()[0]))
    if not choices:
        return None
    best = process.extractOne(
        name, choices, scorer=fuzz.WRatio, processor=_core, score_cutoff=SIMILAR
    )
    return best[2] if best else None


class _Reader:
    """One statement's names: spans already taken by known names, and its sentences."""

    def __init__(
        self, text: str, found: list[Found], gazetteer: Gazetteer, spans: Spans | None
    ) -> None:
        self.text, self.found, self.gazetteer = text, found, gazetteer
        # A person's name overlaps no term at all ("Open General Export Licence" is a policy
        # phrase); an organisation's may hold a country or a keyword ("Korea Aerospace
        # Industries", "Defence Research and Development Organisation").
        self.taken = {
            "person": [(f.start, f.end) for f in found],
            "organisation": [
                (f.start, f.end) for f in found if f.kind in (Kind.FIRM, Kind.CONTACT)
            ],
        }
        self.spans = sentence_spans(text) if spans is None else spans
        self.starts = [low for low, _ in self.spans]

    def free(self, kind: str, start: int, end: int, owner: tuple[int, int] | None) -> bool:
        """Whether no known name overlaps the name or its office; the office's owner may be
        one ("the Prime Minister of the Hellenic Republic, ...")."""
        if owner:
            return self.free(kind, start, owner[0], None) and self.free(kind, owner[1], end, None)
        return not any(low < end and start < high for low, high in self.taken[kind])

    def sentence(self, position: int) -> int:
        return max(bisect_right(self.starts, position) - 1, 0)

    def sentence_text(self, index: int) -> str:
        if not self.spans:
            return ""
        low, high = self.spans[index]
        return " ".join(self.text[low:high].split())

    def country(
        self, sentence: int, start: int, end: int, title: str, fallback: int | None
    ) -> int | None:
        """The country a name belongs to, by the nearest sign: a country right beside it
        ("Japanese firm X", "X of Australia"), an Indian honorific (Shri, Smt.), the party of
        its sentence nearest to it (not one listed after it), the source's country. Topics
        ("the situation in Ukraine") and places are no sign."""
        near = [f for f in self.found if f.kind == Kind.COUNTRY and f.sentence == sentence]
        beside = [
            f
            for f in near
            if (0 <= f.start - end <= ADJACENT and self.attached(end, f.start))
            or (0 <= start - f.end <= ADJACENT and self.attached(f.end, start))
        ]
        if beside:
            return min(beside, key=lambda f: min(abs(f.start - end), abs(start - f.end))).entity_id
        if any(fold(word).rstrip(".") in INDIAN_HONORIFICS for word in title.split()):
            return self.gazetteer.country_ids.get("IN", fallback)
        parties = [
            f
            for f in near
            if f.role == "party"
            and not (f.start >= end and LISTED.search(self.text[end : f.start]))
        ]
        if parties:
            return min(parties, key=lambda f: abs(f.start - start)).entity_id
        return fallback

    def owner_country(self, owner: tuple[int, int] | None) -> int | None:
        """The country whose office a name holds ("Minister of Defence of the Republic of
        Kenya, ..."), the last one named in the office's owner."""
        if owner is None:
            return None
        inside = [
            f for f in self.found if f.kind == Kind.COUNTRY and owner[0] <= f.start < owner[1]
        ]
        return inside[-1].entity_id if inside else None

    def attached(self, low: int, high: int) -> bool:
        """Whether the words between a name and a country tie them ("Japanese firm X", "X of
        Australia"), not a list ("...in Ukraine, and Shri Anil Mehra briefed")."""
        between = self.text[low:high]
        return not SEPARATED.search(between)

    def contact(self, contact_id: int, start: int, end: int) -> Found:
        index = self.sentence(start)
        span = self.spans[index] if self.spans else (start, end)
        around = snippet(self.text, span, start, end)
        term = self.text[start:end]
        return Found(Kind.CONTACT, contact_id, term, start, end, around, index, span)


def names_find(
    text: str,
    found: list[Found],
    gazetteer: Gazetteer,
    *,
    fallback_country: int | None = None,
    spans: Spans | None = None,
) -> tuple[list[NameFound], list[Found]]:
    """(name candidates, contact mentions found by title and surname) of `text`. A country
    term is never a person's name, nor enough for a firm's. `spans`: the text's sentences."""
    reader = _Reader(text, found, gazetteer, spans)
    candidates: dict[tuple[str, str], NameFound] = {}
    contacts: list[Found] = []
    spans = name_spans(text, gazetteer.country_terms)
    for kind, name, title, start, end, title_start, owner in spans:
        if fold(name) in gazetteer.known_names or not reader.free(kind, title_start, end, owner):
            continue
        sentence = reader.sentence(start)
        if kind == "person":
            fits = gazetteer.surnames.get(fold(name.split()[-1]), ())
            if len(fits) == 1 and len(name.split()) == 1:  # "President Macron"
                contacts.append(reader.contact(fits[0], title_start, end))
                continue
            if len(name.split()) == 1:
                # "Mr Lee", "Minister Marles": a surname alone is nobody staff could record
                # (and, as often, an office word taken for a name).
                continue
        key = (kind, fold(name))
        if key in candidates:
            continue
        candidates[key] = NameFound(
            kind=kind,
            name=name,
            title=" ".join(title.split()),
            start=start,
            end=end,
            sentence=sentence,
            sentence_text=reader.sentence_text(sentence),
            country_id=reader.owner_country(owner)
            or reader.country(sentence, start, end, title, fallback_country),
            similar_firm=_similar(name, gazetteer.firms_by_word) if kind != "person" else None,
            similar_contact=_similar(name, gazetteer.contacts_by_word)
            if kind == "person"
            else None,
        )
    return _distinct(list(candidates.values())), contacts


def _distinct(names: list[NameFound]) -> list[NameFound]:
    """One candidate per body or person: "Cochin Shipyard" is "Cochin Shipyard Limited", and
    "Dr Kamat" the "Dr Samir V. Kamat" the statement names in full."""
    surnames = {fold(n.name.split()[-1]) for n in names if n.kind == "person" and " " in n.name}
    cores: dict[str, NameFound] = {}
    for name in names:
        if name.kind == "person":
            if " " not in name.name and fold(name.name) in surnames:
                continue
            cores[f"person {fold(name.name)}"] = name
            continue
        key = f"org {_core(name.name)}"
        if key not in cores or len(name.name) > len(cores[key].name):
            cores[key] = name
    return sorted(cores.values(), key=lambda n: n.start)
