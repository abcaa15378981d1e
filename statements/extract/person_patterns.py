"""People's names in running text: an office or an honorific before a capitalised name
("Shri Vinay Kwatra", "Minister of Defence Boris Pistorius", "the Prime Minister of the
Hellenic Republic, Kyriakos Mitsotakis"), or a name before its office ("Dana Whitfield, Chief
Executive Officer of Aerovance")."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .folding import fold
from .name_words import HONORIFICS, LOWER, POSSESSIVE, UPPER, trim

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

Span = tuple[str, str, str, int, int, int]  # kind, name, title, start, end, title's start


def people(text: str, countries: frozenset[str], common: set[str]) -> Iterator[Span]:
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
        words = trim(match.group("name").split())
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
