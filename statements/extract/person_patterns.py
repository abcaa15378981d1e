"""People's names in running text: an office or an honorific before a capitalised name
("Shri Vinay Kwatra", "Minister of Defence Boris Pistorius", "the Prime Minister of the
Hellenic Republic, Kyriakos Mitsotakis"), or a name before its office ("Dana Whitfield, Chief
Executive Officer of Aerovance")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .folding import fold
from .name_words import HONORIFICS, LOWER, ORG_END, POSSESSIVE, UPPER, trim

TITLES = (
    r"(?:(?:Deputy\s+|Vice\s+)?Prime\s+Minister|(?:Defen[cs]e|Foreign|External\s+Affairs|"
    r"Deputy|Vice|State)\s+Minister|Minister(?:\s+of\s+State)?|(?:Defen[cs]e|Foreign|"
    r"Deputy|Under|Assistant|Permanent)\s+Secretary|Secretary(?:\s+General)?|Ambassador|"
    r"High\s+Commissioner|(?:Vice\s+)?President|Chancellor|Senator|Governor|Chairman|"
    r"Chairperson|Director\s+General|Managing\s+Director|Chief\s+Executive|CEO|"
    r"(?:Senior\s+)?(?:Lieutenant|Lt\.?|Major|Maj\.?)\s+Gen(?:eral|\.)?|General|Gen\.|(?:Vice|Rear)\s+Admiral|"
    r"Admiral|Adm\.|Air\s+(?:Chief|Vice)?\s*Marshal|Brigadier|Brig\.|Colonel|Col\.|Commodore|"
    r"Commander|Cdr\.|Captain|Capt\.|His\s+Excellency|Her\s+Excellency|H\.\s?E\.|Hon'ble|"
    r"Honourable|Hon\.?|Professor|Prof\.?|Dr\.?|Mr\.?|Mrs\.?|Ms\.?|Smt\.?|Shri|Sri|"
    r"(?:His|Her)\s+(?:Majesty|Royal\s+Highness|Highness)|King|Queen|Crown\s+Prince|Emir|"
    r"Tan\s+Sri|Datuk(?:\s+Seri)?|Dato'?(?:\s+Seri)?)"
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
# Whose office it is, before a comma and the name: "the Prime Minister of the Hellenic
# Republic, Kyriakos Mitsotakis", "the President of Hockey India, Dilip Tirkey".
_OWNER_WORD = r"[A-Z][\w&.-]*"
OWNER = (
    rf"\s+of\s+(?:the\s+)?(?P<owner>{_OWNER_WORD}"
    rf"(?:\s+(?:(?:of|and)\s+)?(?:the\s+)?{_OWNER_WORD}){{0,5}}),"
    # "..., Prime Minister Shri Narendra Modi": the owner may be another person's (below).
    rf"(?P<own_office>(?:\s+(?:the\s+)?{OFFICE}(?=\s))*)"
)
# A king's number: "King Mohammed VI".
REGNAL = r"(?:\s+(?:I{1,3}|IV|VI{0,3}|IX|X{1,3})(?![\w'\u2019]))?"
NAME = rf"{NAME_WORD}(?:\s+{PARTICLE}{NAME_WORD}){{0,5}}{REGNAL}"
PERSON = re.compile(
    # (?=[A-Z]): a lower-case word fails at once instead of trying every title.
    # Offices joined by "and" ("Deputy Prime Minister and Minister for Defence"), and a comma
    # or "the" before the name ("Minister of National Defence, David McGuinty").
    rf"\b(?=[A-Z])(?P<title>{OFFICE}(?:(?:\s+and|,?\s+the|,)?\s+{OFFICE})*)"
    rf"(?:{OWNER}|(?:,?\s+the)?,?)\s+(?P<name>{NAME})"
)
# A name before its office: "said Dana Whitfield, Chief Executive Officer of Aerovance".
NAME_BEFORE = re.compile(
    rf"(?<![\w.'\u2019-])(?P<name>{NAME_WORD}(?:\s+{PARTICLE}{NAME_WORD}){{1,4}}),\s+(?:the\s+)?$"
)
# Offices that a person holds alone: after one, an owner before the comma was another's; a
# rank or an honorific ("..., Senior Lieutenant General X") is the same person's.
HEAD_OFFICE = re.compile(
    r"\b(?:Minister|President|Secretary|Ambassador|Chancellor|Governor|Chair\w*|Director)\b"
)
ARTICLE_BEFORE = re.compile(r"(?:\b(?:the|of|an?)|\d\w*)\s+$", re.IGNORECASE)
OFFICE_AT = re.compile(rf"{OFFICE}(?![\w-])")
CAPITAL_WORD = re.compile(r"(?<![\w'.])[A-Z][A-Za-z'.]*")

# Offices as Spanish, French and Portuguese write them, in lower case inside a sentence, with
# their portfolio and whose they are before the comma and the name: "la ministra de Defensa,
# Margarita Robles", "al ministro de Defensa de la India, Rajnath Singh", "le ministre des
# Armées, ...". Only before a comma, so that a plain word is never taken for an office.
LOCAL_OFFICE = re.compile(
    r"\b(?P<title>(?:ministr[oa]s?|ministre|secretari[oa]|secrétaire|embajador(?:a)?|"
    r"ambassadeur|ambassadrice|embaixador(?:a)?|president[ea]|président(?:e)?|almirante|"
    r"amiral|jef[ea])\b)(?P<owner>[^,.;:()\n]{0,70}),\s+"
    rf"(?P<name>{NAME})"
)

# fmt: off
TITLE_STARTS = frozenset({
    "deputy", "vice", "prime", "defence", "defense", "foreign", "external", "state", "minister",
    "under", "assistant", "permanent", "secretary", "ambassador", "high", "president",
    "chancellor", "senator", "governor", "chairman", "chairperson", "director", "managing",
    "chief", "ceo", "lieutenant", "lt", "major", "maj", "general", "gen", "rear", "admiral",
    "adm", "air", "brigadier", "brig", "colonel", "col", "commodore", "commander", "cdr",
    "captain", "capt", "his", "her", "h.e", "hon'ble", "honourable", "professor", "prof", "dr",
    "mr", "mrs", "ms", "smt", "shri", "sri", "hon", "king", "queen", "crown", "emir", "sultan",
    "tan", "datuk", "dato", "dato'", "senior",
})
# fmt: on

# kind, name, title, start, end, title's start, and the span of whose office it is (or None)
Span = tuple[str, str, str, int, int, int, tuple[int, int] | None]


def people(text: str, countries: frozenset[str], common: set[str]) -> Iterator[Span]:
    # The title regex is tried only where a capitalised word can start a title: trying its
    # sixty alternatives at every capital was most of the cost of a statement.
    after = 0
    for word in CAPITAL_WORD.finditer(text):
        if word.start() < after or word.group().rstrip(".").lower() not in TITLE_STARTS:
            continue
        if before := _name_before(text, word.start(), after, countries):
            yield before
        match = PERSON.match(text, word.start())
        if match is None:
            continue
        after = match.end()
        words = trim(match.group("name").split())
        acronym = words and len(words[0].rstrip(".")) > 1 and words[0].isupper()
        if acronym and not _surname_first(words):
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
        owner = match.span("owner") if match.group("owner") else None
        if HEAD_OFFICE.search(match.group("own_office") or ""):
            owner = None  # "..., Prime Minister X": whose the first office was is no sign
        title, title_start = match.group("title"), match.start()
        if own := (match.group("own_office") or "").strip():  # the person's own office
            title, title_start = own, match.end("own_office") - len(own)
        yield "person", name, title, start, start + len(name), title_start, owner


def local_people(text: str, countries: frozenset[str]) -> Iterator[Span]:
    """People after an office written the Spanish, French or Portuguese way (LOCAL_OFFICE);
    what follows the office word is its owner, where the person's country is read."""
    for match in LOCAL_OFFICE.finditer(text):
        words = trim(match.group("name").split())
        if len(words) < 2 or any(fold(w) in countries for w in words):
            continue
        name = " ".join(words)
        start = match.start("name") + match.group("name").find(name)
        office = " ".join((match.group("title") + match.group("owner")).split())
        owner = match.span("owner")
        yield "person", name, office, start, start + len(name), match.start(), owner


def _name_before(text: str, at: int, after: int, countries: frozenset[str]) -> Span | None:
    """The person named before the office at `at`, set off by a comma: two capitalised words
    at least, none a country's or an organisation's ("Kalyani Strategic Systems, Chairman")."""
    if text[at - 2 : at] != ", " and text[at - 6 : at] != ", the ":
        return None
    office = OFFICE_AT.match(text, at)
    window = max(0, at - 80, after)  # not inside the name of the person before
    before = NAME_BEFORE.search(text, window, at)
    if office is None or before is None:
        return None
    if ARTICLE_BEFORE.search(text, window, before.start("name")):
        return None  # "the 11th Airborne Division, Major General ...": a body, no person
    written = before.group("name").split()
    words = trim(written)
    if len(words) < 2 or words[-1] != written[-1] or ORG_END.search(" ".join(words)):
        return None
    if any(fold(w) in countries for w in words):
        return None
    name = " ".join(words)
    start = before.start("name") + before.group("name").find(name)
    return "person", name, office.group(), start, start + len(name), start, None


def _surname_first(words: list[str]) -> bool:
    """A surname in capitals before the given name, as Japanese releases write them
    ("NAKATANI Gen"): two words, the second no honorific ("DRDO Dr Kamat" is no name)."""
    return len(words) == 2 and fold(words[1]).rstrip(".") not in HONORIFICS
