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
from collections.abc import Iterator
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .gazetteer import Gazetteer, Kind, fold
from .matching import Found
from .sentences import sentence_spans, snippet

TITLES = (
    r"(?:(?:Deputy\s+|Vice\s+)?Prime\s+Minister|(?:Defen[cs]e|Foreign|External\s+Affairs|"
    r"Deputy|Vice|State)\s+Minister|Minister(?:\s+of\s+State)?|(?:Defen[cs]e|Foreign|"
    r"Deputy|Under|Assistant|Permanent)\s+Secretary|Secretary(?:\s+General)?|Ambassador|"
    r"High\s+Commissioner|(?:Vice\s+)?President|Chancellor|Senator|Governor|Chairman|"
    r"Chairperson|Director\s+General|Managing\s+Director|Chief\s+Executive|CEO|"
    r"(?:Lieutenant|Lt\.?|Major|Maj\.?)\s+Gen(?:eral|\.)?|General|Gen\.|(?:Vice|Rear)\s+Admiral|"
    r"Admiral|Adm\.|Air\s+(?:Chief|Vice)?\s*Marshal|Brigadier|Brig\.|Colonel|Col\.|Commodore|"
    r"Commander|Cdr\.|Captain|Capt\.|His\s+Excellency|Her\s+Excellency|H\.\s?E\.|Hon'ble|"
    r"Honourable|Professor|Prof\.?|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Smt\.?|Shri|Sri)"
)
NAME_WORD = r"(?:[A-Z]\.|[A-Z][a-z]+(?:[-'\u2019][A-Za-z]+)*)"
PERSON = re.compile(
    rf"\b(?P<title>{TITLES}(?:\s+{TITLES})*)\s+(?P<name>{NAME_WORD}(?:\s+{NAME_WORD}){{0,3}})"
)
SUFFIX = (
    r"(?:Heavy\s+Industries|Industries|Private\s+Limited|Pvt\.?\s+Ltd\.?|Limited|Ltd\.?|"
    r"Corporation|Corp\.|Company|Inc\.|Incorporated|PLC|LLC|GmbH|Aerospace|Aeronautics|"
    r"Systems|Technologies|Dynamics|Electronics|Shipbuilders|Shipyards?|Dockyards?|Group|"
    r"Organi[sz]ation|Agency|Ministry|Laboratories|Institute)"
)
ORG_WORD = r"(?:[A-Z][\w&-]*|&|and|of|for)"
ORGANISATION = re.compile(rf"\b(?P<name>(?:[A-Z][\w&-]*\s+)(?:{ORG_WORD}\s+){{0,5}}{SUFFIX})(?!\w)")
SUFFIX_WORD = re.compile(
    r"Industries|Limited|Ltd\.?|Corporation|Corp\.|Company|Inc\.|PLC|LLC|"
    r"GmbH|Aerospace|Aeronautics|Systems|Technologies|Dynamics|Electronics|"
    r"Shipbuilders|Shipyards?|Dockyards?|Group|Organi[sz]ation|Agency|"
    r"Ministry|Laboratories|Institute"
)
# An honorific inside a run of capitalised words starts a person, not an organisation.
HONORIFICS = frozenset({"mr", "mrs", "ms", "dr", "smt", "shri", "sri", "prof", "he"})
# Capitalised words that are no part of a name: the start of a sentence, offices, bodies.
_NOT_NAMES = (
    "the a an and of in on at for to with by from as both two this that these its their our "
    "his her during under after before meanwhile earlier today separately ministry minister "
    "government defence defense foreign affairs navy army air force forces republic kingdom "
    "state states department office council committee forum dialogue summit meeting joint "
    "statement visit prime secretary general president assembly staff headquarters officer "
    "officers court electric dynamics atomics motors said says also january february march "
    "april may june july august september october november december monday tuesday wednesday "
    "thursday friday saturday sunday"
)
NOT_NAMES = frozenset(_NOT_NAMES.split())
# Words that start a sentence or a phrase before an organisation's name.
LEADING = frozenset(_NOT_NAMES.split()[:32])
# Words that say what kind of body, not which one: "Joint Working Group" is no organisation.
_GENERIC = (
    "joint working expert steering high level defence defense industrial industry technical "
    "sub naval military national strategic security policy bilateral trilateral cooperation "
    "consultative coordination task study review apex ministerial research development science "
    "technology space export procurement the"
)
GENERIC = frozenset(_GENERIC.split())
PUBLIC_BODIES = frozenset({"organisation", "organization", "agency", "ministry", "institute"})
ADJACENT = 25  # characters between a name and a country that says whose it is
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


def _trim(words: list[str], stop: frozenset[str] = NOT_NAMES) -> list[str]:
    while words and (words[0].lower() in stop or words[0] == "&"):
        words = words[1:]
    while words and words[-1].lower() in stop:
        words = words[:-1]
    return words


def _organisation_ok(words: list[str], countries: frozenset[str]) -> bool:
    if len(words) < 2:
        return False
    suffix = fold(words[-1]).rstrip(".")
    plain = [w for w in words[:-1] if fold(w) not in ("and", "&", "of", "for")]
    distinctive = [w for w in plain if fold(w) not in GENERIC and fold(w) not in countries]
    if distinctive:
        return True
    # "Defence Research and Development Organisation": a public body may be all common words.
    return suffix in PUBLIC_BODIES and len(plain) >= 3


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

    def __init__(self, text: str, found: list[Found], gazetteer: Gazetteer) -> None:
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
        self.spans = sentence_spans(text)
        self.starts = [low for low, _ in self.spans]

    def free(self, kind: str, start: int, end: int) -> bool:
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
        its sentence nearest to it, the source's country. Topics ("the situation in Ukraine")
        and places are no sign."""
        near = [f for f in self.found if f.kind == Kind.COUNTRY and f.sentence == sentence]
        beside = [
            f
            for f in near
            if -ADJACENT <= f.start - end <= ADJACENT or -ADJACENT <= start - f.end <= ADJACENT
        ]
        if beside:
            return min(beside, key=lambda f: min(abs(f.start - end), abs(start - f.end))).entity_id
        if fold(title.split()[0]).rstrip(".") in INDIAN_HONORIFICS if title else False:
            return self.gazetteer.country_ids.get("IN", fallback)
        parties = [f for f in near if f.role == "party"]
        if parties:
            return min(parties, key=lambda f: abs(f.start - start)).entity_id
        return fallback

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
) -> tuple[list[NameFound], list[Found]]:
    """(name candidates, contact mentions found by title and surname) of `text`. A country
    term is never a person's name, nor enough for a firm's."""
    reader = _Reader(text, found, gazetteer)
    candidates: dict[tuple[str, str], NameFound] = {}
    contacts: list[Found] = []
    for kind, name, title, start, end, title_start in _names(text, gazetteer.country_terms):
        if fold(name) in gazetteer.known_names or not reader.free(kind, title_start, end):
            continue
        sentence = reader.sentence(start)
        if kind == "person":
            fits = gazetteer.surnames.get(fold(name.split()[-1]), ())
            if len(fits) == 1 and len(name.split()) == 1:  # "President Macron"
                contacts.append(reader.contact(fits[0], title_start, end))
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
            country_id=reader.country(sentence, start, end, title, fallback_country),
            similar_firm=_similar(name, gazetteer.firms_by_word) if kind != "person" else None,
            similar_contact=_similar(name, gazetteer.contacts_by_word)
            if kind == "person"
            else None,
        )
    return list(candidates.values()), contacts


def _names(text: str, countries: frozenset[str]) -> Iterator[tuple[str, str, str, int, int, int]]:
    """(kind, name, title, start, end, start of the title) of each person and organisation
    pattern in `text`."""
    for match in PERSON.finditer(text):
        words = _trim(match.group("name").split())
        if not words or any(fold(w) in countries for w in words) or words[-1].endswith("."):
            continue
        name = " ".join(words)
        start = match.start("name") + match.group("name").find(name)
        yield "person", name, match.group("title"), start, start + len(name), match.start()
    for match in ORGANISATION.finditer(text):
        whole = match.group("name")
        for part in _organisation_parts(whole.split()):
            words = _trim(part, LEADING)
            if not _organisation_ok(words, countries):
                continue
            name = " ".join(words)
            start = match.start("name") + whole.find(name)
            yield "organisation", name, "", start, start + len(name), start


def _organisation_parts(words: list[str]) -> list[list[str]]:
    """ "Hanwha Aerospace and Bharat Electronics Limited" is two organisations: a run is cut
    after an honorific ("Mr") and at an "and" that follows a word only names end with."""
    breaks = [i for i, w in enumerate(words) if fold(w).replace(".", "") in HONORIFICS]
    if breaks:
        words = words[breaks[-1] + 1 :]
    parts, current = [], []
    for word in words:
        if word in ("and", "&") and current and SUFFIX_WORD.fullmatch(current[-1]):
            parts.append(current)
            current = []
            continue
        current.append(word)
    return [*parts, current]
