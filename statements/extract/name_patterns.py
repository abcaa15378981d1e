"""The patterns of people's and organisations' names in running text, and the checks that
keep office words and common words out of them (see names.py for what is done with them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .folding import fold
from .name_words import BODY, HONORIFICS, LEADING, LOWER_WORD, SUFFIX_WORDS, trim
from .person_patterns import PERSON, Span, local_people, people

SUFFIX = rf"(?:Heavy\s+Industries|Private\s+Limited|Pvt\.?\s+Ltd\.?|Incorporated|{SUFFIX_WORDS})"
ORG_WORD = r"(?:[A-Z][\w&-]*|&|and|of|for)"
SUFFIX_HIT = re.compile(rf"(?<![\w-]){SUFFIX}(?!\w)")
RUN_BEFORE = re.compile(rf"(?:{ORG_WORD}\s+){{1,6}}$")
RUN_BETWEEN = re.compile(rf"\s+(?:{ORG_WORD}\s+){{0,4}}")
ORGANISATION = re.compile(rf"\b(?P<name>(?:[A-Z][\w&-]*\s+)(?:{ORG_WORD}\s+){{0,5}}{SUFFIX})(?!\w)")
SUFFIX_WORD = re.compile(SUFFIX_WORDS)
# Words that say what kind of body, not which one: "Joint Working Group" is no organisation.
_GENERIC = (
    "joint working expert steering high level defence defense industrial industry technical "
    "federal union central state "
    "sub naval military national strategic security policy bilateral trilateral cooperation "
    "consultative coordination task study review apex ministerial research development science "
    "technology space export procurement the directors governors trustees ministers members "
    "inquiry"
)
GENERIC = frozenset(_GENERIC.split())
JOINING = frozenset({"and", "&", "of", "for"})
# The head words a name may go on after, with what the body is "of" or "for".
BODY_HEAD = re.compile(rf"(?:{BODY}|Agency|Organi[sz]ation|Institute|Corporation)")
_GAP = r"[^\S\n]+"  # within one line: a heading's body ends at its line
_TAIL_WORD = r"[A-Z][\w&-]*"
TAIL = re.compile(
    rf"{_GAP}(?:of|for){_GAP}(?:the{_GAP})?(?P<words>{_TAIL_WORD}"
    rf"(?:{_GAP}(?:(?:and|&|of|for){_GAP})?{_TAIL_WORD}){{0,5}})(?![\w'\u2019])"
)
# An office's portfolio is no body: "Vice Minister of Cultural Heritage and Creative Industries".
OFFICES = frozenset({"minister", "ministers", "secretary", "ambassador", "president", "governor"})
# Bodies of many nations are no one country's partner to record ("UN Security Council").
MULTILATERAL = frozenset({"un", "united", "nato", "eu", "european", "asean", "g20", "quad"})
PUBLIC_BODIES = frozenset(
    {"organisation", "organization", "agency", "ministry", "institute", "authority", "bureau"}
    | {"department", "administration", "commission", "directorate", "council", "board"}
)


def _organisation_ok(
    words: list[str], countries: frozenset[str], common: set[str], *, tailed: bool = False
) -> bool:
    """A name needs a word of its own: not a generic word, not a country ("India-UK"), not a
    word the statement also writes in lower case ("Autonomous Systems": "autonomous")."""
    if len(words) < 2 or fold(words[0]) in MULTILATERAL | OFFICES:
        return False
    last = len(words) - 1
    head = (
        next((i for i, w in enumerate(words) if BODY_HEAD.fullmatch(w)), last) if tailed else last
    )
    suffix = fold(words[head]).rstrip(".")
    plain = [w for i, w in enumerate(words) if i != head and fold(w) not in JOINING]
    if tailed and len(plain) >= 2:
        # "Sports Authority of India", "Bureau of Industry and Security": a body and what it
        # is of, in capitals, are a name even of common words; "Department of Defence" alone
        # is any country's.
        return True
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


def name_spans(text: str, countries: frozenset[str]) -> Iterator[Span]:
    """(kind, name, title, start, end, start of the title, owner span) of each person and
    organisation pattern in `text`."""
    common = set(LOWER_WORD.findall(text))
    yield from people(text, countries, common)
    yield from local_people(text, countries)
    yield from _organisations(text, countries, common)


def _organisations(text: str, countries: frozenset[str], common: set[str]) -> Iterator[Span]:
    # From each word only names end with, back over the capitalised words before it.
    hits = list(SUFFIX_HIT.finditer(text))
    after = 0
    for index, hit in enumerate(hits):
        following = hits[index + 1] if index + 1 < len(hits) else None
        if following and RUN_BETWEEN.fullmatch(text, hit.end(), following.start()):
            continue  # "Heavy Industries Limited": the run ends at the later word
        # Back over one paragraph at most: a heading's words are no part of the next line's body.
        low = max(after, hit.start() - 150, 0)
        paragraph = text.rfind("\n\n", low, hit.start())
        low = paragraph + 2 if paragraph >= 0 else low
        run = RUN_BEFORE.search(text, low, hit.start())
        tail_end = _tail_end(text, hit, countries)
        after = tail_end or hit.end()
        if run is None and tail_end is None:
            continue
        begin = run.start() if run else hit.start()
        whole = text[begin:after]
        for part in _organisation_parts(whole.split()):
            words = trim(part, LEADING)
            # "Representatives of Bharat Forge Limited": a common word and its "of" go.
            while len(words) > 2 and words[0].lower() in common and words[1] in ("of", "for"):
                words = words[2:]
            if not _organisation_ok(words, countries, common, tailed=tail_end is not None):
                continue
            name = " ".join(words)
            start = begin + whole.find(name)
            yield "organisation", name, "", start, start + len(name), start, None


def _tail_end(text: str, hit: re.Match[str], countries: frozenset[str]) -> int | None:
    """Where the "of India" or "for Promotion of Industry and Internal Trade" that completes a
    public body's name ends, when its head word takes one; an "and" before a country ends it
    ("the Authority of India and Japan's ministry")."""
    if not BODY_HEAD.fullmatch(hit.group()):
        return None
    tail = TAIL.match(text, hit.end())
    if tail is None:
        return None
    spans = list(re.finditer(r"\S+", tail.group("words")))
    words = [span.group() for span in spans]
    keep = len(words)
    for index, word in enumerate(words):
        if word in ("and", "&") and fold(words[index + 1]) in countries:
            keep = index
            break
        if index and PERSON.match(text, tail.start("words") + spans[index].start()):
            keep = index  # "Authority of India Director General ...": the office is not in it
            break
    while keep and words[keep - 1] in JOINING:
        keep -= 1
    if keep > 2 and words[keep - 2] == "of" and fold(words[keep - 1]) in countries:
        keep -= 2  # "Agency for Cultural Affairs of Japan": the country is a sign, not the name
    if not keep:
        return None
    return tail.start("words") + spans[keep - 1].end()


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
