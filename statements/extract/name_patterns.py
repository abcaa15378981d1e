"""The patterns of people's and organisations' names in running text, and the checks that
keep office words and common words out of them (see names.py for what is done with them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .gazetteer import fold

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
UPPER, LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
NAME_WORD = (
    rf"(?:[{UPPER}]\.|[{UPPER}](?=[\s,])|[{UPPER}][{LOWER}]+(?:[-'\u2019][{UPPER}{LOWER}]+)*)"
)
# Offices that are also plain words ("General Authorisation", "Captain of industry"): after
# them a one-word name is no name.
AMBIGUOUS_TITLES = frozenset({"general", "major", "captain", "commander"})
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
LOWER_WORD = re.compile(rf"\b[{LOWER}][{LOWER}-]+\b")
POSSESSIVE = re.compile(r"['\u2019]s$")
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
    "federal union central state "
    "sub naval military national strategic security policy bilateral trilateral cooperation "
    "consultative coordination task study review apex ministerial research development science "
    "technology space export procurement the"
)
GENERIC = frozenset(_GENERIC.split())
PUBLIC_BODIES = frozenset({"organisation", "organization", "agency", "ministry", "institute"})


def _trim(words: list[str], stop: frozenset[str] = NOT_NAMES) -> list[str]:
    while words and (words[0].lower() in stop or words[0] == "&"):
        words = words[1:]
    while words and words[-1].lower() in stop:
        words = words[:-1]
    return words


def _organisation_ok(words: list[str], countries: frozenset[str], common: set[str]) -> bool:
    """A name needs a word of its own: not a generic word, not a country ("India-UK"), not a
    word the statement also writes in lower case ("Autonomous Systems": "autonomous")."""
    if len(words) < 2:
        return False
    suffix = fold(words[-1]).rstrip(".")
    plain = [w for w in words[:-1] if fold(w) not in ("and", "&", "of", "for")]
    distinctive = [
        w
        for w in plain
        if fold(w) not in GENERIC
        and w.lower() not in common
        and not all(part in countries for part in fold(w).split())
    ]
    if distinctive:
        return True
    # "Defence Research and Development Organisation": a public body may be all common words.
    return suffix in PUBLIC_BODIES and len(plain) >= 3


def name_spans(
    text: str, countries: frozenset[str]
) -> Iterator[tuple[str, str, str, int, int, int]]:
    """(kind, name, title, start, end, start of the title) of each person and organisation
    pattern in `text`."""
    common = set(LOWER_WORD.findall(text))
    for match in PERSON.finditer(text):
        words = _trim(match.group("name").split())
        if words and POSSESSIVE.search(words[-1]):  # "Odinga's": the name is "Odinga"
            words[-1] = POSSESSIVE.sub("", words[-1])
        if not words or any(fold(w) in countries for w in words) or words[-1].endswith("."):
            continue
        last_title = fold(match.group("title").split()[-1]).rstrip(".")
        if len(words) == 1 and (last_title in AMBIGUOUS_TITLES or words[0].lower() in common):
            continue
        name = " ".join(words)
        start = match.start("name") + match.group("name").find(name)
        yield "person", name, match.group("title"), start, start + len(name), match.start()
    for match in ORGANISATION.finditer(text):
        whole = match.group("name")
        for part in _organisation_parts(whole.split()):
            words = _trim(part, LEADING)
            # "Representatives of Bharat Forge Limited": a common word and its "of" go.
            while len(words) > 2 and words[0].lower() in common and words[1] in ("of", "for"):
                words = words[2:]
            if not _organisation_ok(words, countries, common):
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
