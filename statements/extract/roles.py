"""The role of each country mention: party (the country acts in the statement), place (where
something happens) or other (a topic, a third party, a beneficiary). Suggestions and pairings use
parties only, so the rules below favour "other" whenever the grammar gives no sign of acting.

Mentions joined only by commas, "and", "&", hyphens or dashes ("India, Japan and Australia",
"India-France", "Indo-US") form a chain and share a role, read from the words before the first
and after the last. The rule in full, with examples, is in docs/extraction.md.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left
from collections.abc import Iterable

from .gazetteer import Kind
from .matching import Found

PARTY, PLACE, OTHER = "party", "place", "other"
TOPIC = "topic"  # stored as "other"; unlike a plain "other", the source's own country stays so
# A party by its place beside another (the partner of cooperation, a hyphen pair, a visit's
# destination), not by its own act: stored as "party" unless the title already says who the
# statement is between ("Japan-Philippines 2+2": "cooperation with Australia" is then other).
PARTNER = "partner"
WINDOW = 120  # characters read on either side of a chain
JOIN = re.compile(r"(?:\s|,|&|/|-|\u2013|\u2014|\band\b|\bthe\b)*", re.IGNORECASE)
HYPHEN = re.compile(r"\s*[-\u2010\u2011\u2013\u2014/]\s*")
# A topic, not an actor: "the situation in Ukraine", "the war against X", "attacks on X".
TOPIC_BEFORE = re.compile(
    r"\b(?:condemned|condemn|condemns|denounced|deplored|criticised|criticized)\s+(?:the\s+)?$|"
    r"\b(?:situation|war|conflict|crisis|attacks?|developments|tensions|events|hostilities|"
    r"invasion|aggression|fighting|violence|terrorism|victims|disaster|earthquake|floods?|"
    r"sanctions|elections?|occupation)\s+(?:in|on|against|of|with|by|across|involving)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
TOPIC_AFTER = re.compile(
    r"^\s*(?:border|boundary|conflict|war|tensions|standoff|stand-off|dispute|crisis|"
    r"hostilities|skirmish|clashes)\b",
    re.IGNORECASE,
)
# "in Ukraine", "off Indonesia", and "at Laikipia, Kenya": a town, then the country it is in.
LOCATIVE_BEFORE = re.compile(
    r"\b(?i:in|at|off|near|across|around|throughout|within|inside|over|off the coast of)\s+"
    r"(?:(?i:the)\s+)?(?:(?:[A-Z][\w'\u2019.-]*\s+){0,2}[A-Z][\w'\u2019.-]*,\s*)?$"
)
# The country's own office-holders and bodies: "Japan's Ministry of Defence", "the Indian
# side", "French Defence Minister", "the Australian Government".
ACTOR_NOUN = (
    r"(?:sides?|governments?|delegations?|ministry|ministries|ministers?|prime\s+ministers?|"
    r"presidents?|ambassadors?|embassy|high\s+commission|cabinet|leadership|leaders?|"
    r"counterparts?|chancellor|secretary|secretaries|chiefs?\s+of|department|administration)"
)
ACTOR_AFTER = re.compile(
    r"^\s*(?:'s|\u2019s)?\s*(?:(?:defen[cs]e|foreign|external\s+affairs|prime|the|national|"
    r"federal|union|royal)\s+)*" + ACTOR_NOUN + r"\b",
    re.IGNORECASE,
)
ACTOR_BEFORE = re.compile(
    r"\b(?:government|ministry\s+of\s+[\w ]{3,30}?|prime\s+minister|president|minister(?:\s+of"
    r"\s+[\w ]{3,30}?)?|ambassador|embassy|high\s+commission|delegation|chancellor|king|"
    r"emir|crown\s+prince|leaders?|cabinet)\s+(?:of|from)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
VISIT_BEFORE = re.compile(
    r"\b(?:visit(?:s|ed)?|trip|tour)\b(?:\s+of\b[^.;]{0,80}?)?\s+(?:to\s+)?(?:the\s+)?$",
    re.IGNORECASE,
)
# "cooperation between X and Y", "partnership with X", "signed an agreement with X".
PARTNER_BEFORE = re.compile(
    r"\b(?:cooperation|co-operation|partnership|dialogue|agreements?|MoUs?|memorandum|talks|"
    r"collaboration|engagement|exercises?|treaty|pact|consultations|meeting|summit|roadmap|"
    r"framework|arrangement|"
    r"signed|met|meets|spoke|cooperate|collaborate|engage|partner|"
    r"work(?:ed|ing)?\s+together|joint\s+statement)\b(?:\s+\w+){0,3}?\s+(?:between|with)\s+"
    r"(?:the\s+)?$",
    re.IGNORECASE,
)
# What a party does in a statement; auxiliaries, adverbs and the names of its people may stand
# between the subject and the verb (see CONNECTIVE). Verbs that a topic or a foe does as well
# ("share a border", "has suffered", "supports") are left out on purpose.
_PARTY_VERBS = (
    "acknowledged|advance|advanced|affirmed|agree|agreed|agrees|announced|appreciated|"
    "are committed|chaired|co-chaired|collaborate|commended|committed|conclude|concluded|"
    "condemned|conduct|conducted|continue|continued|cooperate|decided|deepen|deepened|discuss|"
    "discussed|emphasised|emphasized|enhance|enhanced|establish|established|exchanged|expand|"
    "expanded|explore|explored|expressed|finalise|finalised|finalize|finalized|held|"
    "highlighted|hold|holds|inaugurated|intend|intends|is committed|join|joined|joins|launch|"
    "launched|look forward|looked forward|looks forward|meet|meets|met|noted|offered|"
    "participate|participated|participates|pledged|promote|proposed|reaffirm|reaffirmed|"
    "recognised|recognized|reiterated|renewed|resolved|review|reviewed|seek|seeks|sign|signed|"
    "signs|sought|strengthen|strengthened|stressed|take part|took part|underlined|underscored|"
    "undertake|undertook|unveiled|urged|vowed|welcome|welcomed|welcomes|work|worked"
)
PARTY_VERBS = frozenset(_PARTY_VERBS.split("|"))
PARTY_VERB = (
    "(?i:"
    + "|".join(
        re.escape(verb).replace(r"\ ", r"\s+") for verb in sorted(PARTY_VERBS, key=len)[::-1]
    )
    + r")\b"
)
# Words that may stand between a subject and its verb. Capitalised words are names ("Prime
# Minister Albanese"), so this pattern is case-sensitive except in its word list.
CONNECTIVE = (
    r"(?:\s|,|&|\bX\b|'s|\u2019s|(?i:\b(?:and|the|both|two|sides?|governments?|"
    r"delegations?|leaders?|ministers?|ministry|ministries|prime|presidents?|defen[cs]e|"
    r"foreign|external|affairs|secretar(?:y|ies)|chiefs?|nav(?:y|ies)|army|armies|air|"
    r"forces?|coast|guards?|of|their|its|respective|counterparts?|officials?|today|also|"
    r"jointly|further|warmly|formally|successfully|recently|together|firmly|strongly|fully|"
    r"will|would|shall|can|could|may|have|has|had|to|further)\b)|\b[A-Z][\w'\u2019.]*)*?"
)
SUBJECT_AFTER = re.compile(CONNECTIVE + r"\s*\b" + PARTY_VERB)
# "North Korea's continued launches": a verb's form right after a possessive is an adjective.
POSSESSIVE_VERB = re.compile(r"\s*['\u2019]s\s+" + PARTY_VERB)
BENEFICIARY = re.compile(
    r"^\s+(?:industry|industries|firms?|compan(?:y|ies)|investors|manufacturers|OEMs|suppliers|"
    r"vendors|businesses|private\s+sector|start-?ups|entities|nationals|citizens|students|"
    r"people|culture|cuisine|food|films?|language|diaspora|community|origin)\b",
    re.IGNORECASE,
)


WORD = re.compile(r"[a-z][a-z-]*")
# fmt: off
TOPIC_LAST = frozenset({
    "in", "on", "against", "of", "with", "by", "across", "involving", "condemned", "condemn",
    "condemns", "denounced", "deplored", "criticised", "criticized",
})
LOCATIVE_LAST = frozenset({
    "in", "at", "off", "near", "across", "around", "throughout", "within", "inside", "over", "of",
})
# fmt: on
VISIT_LAST = frozenset(["to", "visit", "visits", "visited", "trip", "tour"])
VERB_WORDS = frozenset(verb.split()[0] for verb in PARTY_VERBS)


def _chains(countries: list[Found], text: str) -> list[list[Found]]:
    """Country mentions of one span are one member; members joined by JOIN form a chain."""
    chains: list[list[Found]] = []
    for item in countries:
        if chains:
            last = chains[-1][-1]
            if item.start == last.start:  # the same words, another country ("Tata")
                chains[-1].append(item)
                continue
            if item.sentence == last.sentence and JOIN.fullmatch(text, last.end, item.start):
                chains[-1].append(item)
                continue
        chains.append([item])
    return chains


def _masked_after(text: str, end: int, limit: int, spans: list[tuple[int, int]]) -> str:
    """The words after `end` up to `limit`, other names replaced by "X" so that "India and
    Prime Minister Albanese agreed" reads as a subject and its verb."""
    pieces, position = [], end
    for start, stop in spans[bisect_left(spans, (end, end)) :]:
        if stop <= position:
            continue
        if start >= limit:
            break
        pieces.append(text[position:start])
        pieces.append(" X ")
        position = stop
    pieces.append(text[position:limit])
    return "".join(pieces)


class _Before:
    """The words before a chain, and which of the before-rules can apply to them at all: each
    ends on a known word ("in", "of", "with", "to"...), so most regexes need not run."""

    def __init__(self, before: str) -> None:
        self.text = before
        words = WORD.findall(before[-40:].lower())
        if words and words[-1] == "the":
            words = words[:-1]
        self.last = words[-1] if words else ""
        self.comma = before.rstrip().endswith(",")

    def topic(self) -> bool:
        return self.last in TOPIC_LAST and TOPIC_BEFORE.search(self.text) is not None

    def locative(self) -> bool:
        return (self.last in LOCATIVE_LAST or self.comma) and bool(
            LOCATIVE_BEFORE.search(self.text)
        )

    def actor(self) -> bool:
        return self.last in ("of", "from") and bool(ACTOR_BEFORE.search(self.text))

    def partner(self) -> bool:
        return self.last in ("between", "with") and bool(PARTNER_BEFORE.search(self.text))

    def visit(self) -> bool:
        return self.last in VISIT_LAST and bool(VISIT_BEFORE.search(self.text))


def _subject(after: str) -> bool:
    # The regex only where a party's verb is among the next words at all.
    if VERB_WORDS.isdisjoint(WORD.findall(after.lower())):
        return False
    return bool(SUBJECT_AFTER.match(after)) and not POSSESSIVE_VERB.match(after)


def _chain_role(chain: list[Found], text: str, in_title: bool, spans) -> str:
    first, last = chain[0], chain[-1]
    low, high = first.sentence_span
    before = _Before(text[max(low, first.start - WINDOW) : first.start])
    after = _masked_after(text, last.end, min(high, last.end + WINDOW), spans)
    compound = any(HYPHEN.fullmatch(text, a.end, b.start) for a, b in itertools.pairwise(chain))
    if before.topic() or (compound and TOPIC_AFTER.match(after)) or BENEFICIARY.match(after):
        return TOPIC
    locative = before.locative()
    if in_title:
        return PLACE if locative else PARTY
    # "the Embassy in Kabul and reiterated": a place that only stands before the verb is no
    # subject ("at Town, Country" may be the start of one: "In Tokyo, Japan agreed").
    # The object of "cooperation with" is no subject of the verb after it ("cooperation with
    # the U.S, and welcomed": the ministers welcomed).
    if before.partner():
        return PARTNER
    if (
        ACTOR_AFTER.match(after)
        or (_subject(after) and not (locative and not before.comma))
        or before.actor()
    ):
        return PARTY
    if before.visit() or (compound and len({i.start for i in chain}) > 1):
        return PARTNER
    return PLACE if locative else OTHER


def _name_spans(found: list[Found]) -> list[tuple[int, int]]:
    """The spans of every name (country, contact, firm), masked as "X" after a chain."""
    return sorted(
        {(i.start, i.end) for i in found if i.kind in (Kind.COUNTRY, Kind.CONTACT, Kind.FIRM)}
    )


def roles_assign(
    text: str,
    found: list[Found],
    *,
    in_title: bool = False,
    party_ids: Iterable[int] = (),
    title_pairs: bool = False,
) -> list[Found]:
    """`found` with a role on each country mention. Mentions of `party_ids` (the source's own
    government) are parties wherever the grammar does not make them a topic. `title_pairs`:
    the title names two parties or more, so a partner by position only is no party."""
    countries = [item for item in found if item.kind == Kind.COUNTRY]
    if not countries:
        return found
    always = set(party_ids)
    spans = _name_spans(found)
    roles: dict[tuple[int, int | None], str] = {}
    for chain in _chains(countries, text):
        role = _chain_role(chain, text, in_title, spans)
        for item in chain:
            roles[item.start, item.entity_id] = role
    result = []
    for item in found:
        if item.kind == Kind.COUNTRY:
            role = roles[item.start, item.entity_id]
            if role == PARTNER:
                role = OTHER if title_pairs else PARTY
            if item.entity_id in always and role != TOPIC:
                role = PARTY
            item = item._replace(role=OTHER if role == TOPIC else role)
        result.append(item)
    return result


def party_ids(found: Iterable[Found]) -> set[int]:
    return {item.entity_id for item in found if item.kind == Kind.COUNTRY and item.role == PARTY}


def firm_party_countries(
    text: str, found: list[Found], firm_countries: dict[int, int], *, in_title: bool = False
) -> dict[int, Found]:
    """The countries that act through their firms, read by the rule of country mentions ("BEL
    and Thales signed", "an agreement with Lockheed Martin"): country id -> the first firm
    mention that stands for it."""
    firms = [item for item in found if item.kind == Kind.FIRM and item.entity_id in firm_countries]
    if not firms:
        return {}
    spans = _name_spans(found)
    acting: dict[int, Found] = {}
    for chain in _chains(firms, text):
        if _chain_role(chain, text, in_title, spans) in (PARTY, PARTNER):
            for item in chain:
                acting.setdefault(firm_countries[item.entity_id], item)
    return acting
