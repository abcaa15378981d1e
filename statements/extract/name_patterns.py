"""The patterns of people's and organisations' names in running text, and the checks that
keep office words and common words out of them (see names.py for what is done with them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .folding import fold

TITLES = (
    r"(?:(?:Deputy\s+|Vice\s+)?Prime\s+Minister|(?:Defen[cs]e|Foreign|External\s+Affairs|"
    r"Deputy|Vice|State)\s+Minister|Minister(?:\s+of\s+State)?|(?:Defen[cs]e|Foreign|"
    r"Deputy|Under|Assistant|Permanent)\s+Secretary|Secretary(?:\s+General)?|Ambassador|"
    r"High\s+Commissioner|(?:Vice\s+)?President|Chancellor|Senator|Governor|Chairman|"
    r"Chairperson|Director\s+General|Managing\s+Director|Chief\s+Executive|CEO|"
    r"(?:Lieutenant|Lt\.?|Major|Maj\.?)\s+Gen(?:eral|\.)?|General|Gen\.|(?:Vice|Rear)\s+Admiral|"
    r"Admiral|Adm\.|Air\s+(?:Chief|Vice)?\s*Marshal|Brigadier|Brig\.|Colonel|Col\.|Commodore|"
    r"Commander|Cdr\.|Captain|Capt\.|His\s+Excellency|Her\s+Excellency|H\.\s?E\.|Hon'ble|"
    r"Honourable|Hon\.?|Professor|Prof\.?|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Smt\.?|Shri|Sri)"
)
# The portfolio after an office ("Minister for Defence", "Minister of National Defense",
# "Under Secretary of Commerce for Industry and Security"): a closed class of words, so the
# office never takes the name after it ("Minister of Defence Boris Pistorius").
_PORTFOLIO_WORDS = (
    r"(?:Defen[cs]e|National|Foreign|External|Home|Internal|Interior|Affairs|Commerce|"
    r"Industry|Industries|Trade|Security|Education|Agriculture|Livestock|Health|Finance|"
    r"Economy|Economic|State|Science|Technology|Culture|Sports?|Tourism|Energy|Environment|"
    r"Transport|Justice|Communications|Information|Armed|Forces|Veterans|Production|"
    r"Procurement|Skills?|Development|Research|Innovation|Shipping|Aviation|Civil|Space|"
    r"Family|Welfare|Youth|Employment|Labour|Cooperation|Planning|Infrastructure)"
)
PORTFOLIO = (
    rf"(?:\s+(?:of|for)\s+(?:the\s+)?{_PORTFOLIO_WORDS}"
    rf"(?:\s+(?:(?:and|&|of|for)\s+)?{_PORTFOLIO_WORDS})*)*"
)
OFFICE = rf"(?:{TITLES}{PORTFOLIO})"
UPPER, LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
NAME_WORD = (
    rf"(?:[{UPPER}]\.|[{UPPER}](?=[\s,])|[{UPPER}]{{2,}}(?=\s+[{UPPER}][{LOWER}])|"
    rf"[{UPPER}][{LOWER}]+(?:[{UPPER}][{LOWER}]+)?(?:[-'\u2019][{UPPER}{LOWER}]+)*)"  # McGuinty
)
# The small words inside a name, before another capitalised word: "João Ribeiro de Almeida",
# "Khaled bin Mohamed", "Ursula von der Leyen".
PARTICLE = r"(?:(?:de|da|do|dos|das|del|della|di|du|van|von|der|den|bin|binti|al|el|le|la)\s+)*"
# Offices that are also plain words ("General Authorisation", "Captain of industry"): after
# them a one-word name is no name.
AMBIGUOUS_TITLES = frozenset({"general", "major", "captain", "commander"})
PERSON = re.compile(
    # (?=[A-Z]): a lower-case word fails at once instead of trying every title.
    # Offices joined by "and" ("Deputy Prime Minister and Minister for Defence"), and a comma
    # or "the" before the name ("Minister of National Defence, David McGuinty").
    rf"\b(?=[A-Z])(?P<title>{OFFICE}(?:(?:\s+and|,?\s+the|,)?\s+{OFFICE})*)(?:,?\s+the)?,?\s+"
    rf"(?P<name>{NAME_WORD}(?:\s+{PARTICLE}{NAME_WORD}){{0,3}})"
)
# Public bodies: a head word that names a body ("Sports Authority", "Bureau of Industry and
# Security"), in a closed class so a common noun never starts one.
BODY = (
    r"Authority|Bureau|Department|Administration|Association|Society|University|Council|"
    r"Board|Foundation|Commission|Command|Establishment|Directorate(?:\s+General)?|Museum"
)
# The one-word ends of a name: a run is also cut at "and" after one (see _organisation_parts).
_SUFFIX_WORDS = (
    r"Industries|Limited|Ltd\.?|Corporation|Corp\.|Company|Inc\.|PLC|LLC|"
    r"GmbH|Aerospace|Aeronautics|Systems|Technologies|Dynamics|Electronics|"
    r"Shipbuilders|Shipyards?|Dockyards?|Group|Organi[sz]ation|Agency|"
    rf"Ministry|Laboratories|Institute|{BODY}"
)
SUFFIX = rf"(?:Heavy\s+Industries|Private\s+Limited|Pvt\.?\s+Ltd\.?|Incorporated|{_SUFFIX_WORDS})"
ORG_WORD = r"(?:[A-Z][\w&-]*|&|and|of|for)"
SUFFIX_HIT = re.compile(rf"(?<![\w-]){SUFFIX}(?!\w)")
RUN_BEFORE = re.compile(rf"(?:{ORG_WORD}\s+){{1,6}}$")
RUN_BETWEEN = re.compile(rf"\s+(?:{ORG_WORD}\s+){{0,4}}")
CAPITAL_WORD = re.compile(r"(?<![\w'.])[A-Z][A-Za-z'.]*")
# fmt: off
TITLE_STARTS = frozenset({
    "deputy", "vice", "prime", "defence", "defense", "foreign", "external", "state", "minister",
    "under", "assistant", "permanent", "secretary", "ambassador", "high", "president",
    "chancellor", "senator", "governor", "chairman", "chairperson", "director", "managing",
    "chief", "ceo", "lieutenant", "lt", "major", "maj", "general", "gen", "rear", "admiral",
    "adm", "air", "brigadier", "brig", "colonel", "col", "commodore", "commander", "cdr",
    "captain", "capt", "his", "her", "h.e", "hon'ble", "honourable", "professor", "prof", "dr",
    "mr", "mrs", "ms", "smt", "shri", "sri", "hon",
})
# fmt: on
ORGANISATION = re.compile(rf"\b(?P<name>(?:[A-Z][\w&-]*\s+)(?:{ORG_WORD}\s+){{0,5}}{SUFFIX})(?!\w)")
SUFFIX_WORD = re.compile(_SUFFIX_WORDS)
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
# Bodies of many nations are no one country's partner to record ("UN Security Council").
MULTILATERAL = frozenset({"un", "united", "nato", "eu", "european", "asean", "g20", "quad"})
PUBLIC_BODIES = frozenset(
    {"organisation", "organization", "agency", "ministry", "institute", "authority", "bureau"}
    | {"department", "administration", "commission", "directorate", "council", "board"}
)


def _trim(words: list[str], stop: frozenset[str] = NOT_NAMES) -> list[str]:
    while words and (words[0].lower() in stop or words[0] == "&"):
        words = words[1:]
    while words and words[-1].lower() in stop:
        words = words[:-1]
    return words


def _organisation_ok(
    words: list[str], countries: frozenset[str], common: set[str], *, tailed: bool = False
) -> bool:
    """A name needs a word of its own: not a generic word, not a country ("India-UK"), not a
    word the statement also writes in lower case ("Autonomous Systems": "autonomous")."""
    if len(words) < 2 or fold(words[0]) in MULTILATERAL:
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


Span = tuple[str, str, str, int, int, int]  # kind, name, title, start, end, title's start


def name_spans(
    text: str, countries: frozenset[str]
) -> Iterator[tuple[str, str, str, int, int, int]]:
    """(kind, name, title, start, end, start of the title) of each person and organisation
    pattern in `text`."""
    common = set(LOWER_WORD.findall(text))
    yield from _people(text, countries, common)
    yield from _organisations(text, countries, common)


def _people(text: str, countries: frozenset[str], common: set[str]) -> Iterator[Span]:
    # The title regex is tried only where a capitalised word can start a title: trying its
    # sixty alternatives at every capital was most of the cost of a statement.
    after = 0
    for word in CAPITAL_WORD.finditer(text):
        if word.start() < after or word.group().rstrip(".").lower() not in TITLE_STARTS:
            continue
        match = PERSON.match(text, word.start())
        if match is None:
            continue
        after = match.end()
        words = _trim(match.group("name").split())
        if words and len(words[0]) > 1 and words[0].isupper() and not _surname_first(words):
            after = word.end()  # "Chairman DRDO Dr Samir V Kamat": the name starts at "Dr"
            continue
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


def _surname_first(words: list[str]) -> bool:
    """A surname in capitals before the given name, as Japanese releases write them
    ("NAKATANI Gen"): two words, the second no honorific ("DRDO Dr Kamat" is no name)."""
    return len(words) == 2 and fold(words[1]).rstrip(".") not in HONORIFICS


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
            words = _trim(part, LEADING)
            # "Representatives of Bharat Forge Limited": a common word and its "of" go.
            while len(words) > 2 and words[0].lower() in common and words[1] in ("of", "for"):
                words = words[2:]
            if not _organisation_ok(words, countries, common, tailed=tail_end is not None):
                continue
            name = " ".join(words)
            start = begin + whole.find(name)
            yield "organisation", name, "", start, start + len(name), start


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
