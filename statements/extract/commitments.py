"""Sentences of a statement that commit its parties to act ("agreed to", "pledged to", "it was
agreed", "will seek"...), from the commitment phrases of the vocabulary (partners.Term).

A sentence counts when it is on topic: it names an investment area, a policy phrase, a firm or
a defence word itself, or the statement does and the sentence has no off-topic word ("agreed to
promote tourism"). A restatement of a sentence already kept (a quote, a summary line that
repeats the text) is kept once. Each is tied to the parties of its sentence, or to the
statement's parties when the sentence names none ("The two sides agreed to...").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from partners.models import Term

from .gazetteer import Gazetteer, Kind
from .matching import Cue, Found
from .sentences import Spans, sentence_spans

SENTENCE_LIMIT = 2000
TOPICAL = frozenset({Kind.AREA, Kind.POLICY, Kind.FIRM})
# rapidfuzz ratio from which two sentences say the same: high, as "co-develop drones" and
# "co-develop submarines" are two commitments at 91.
SAME_SENTENCE = 95
NOT_WORDS = re.compile(r"[^\w\s]+")
# The word before "will" when it is someone: a body or person (capitalised), or one of these.
SUBJECT = re.compile(
    r"(?:\b[A-Z][\w&.-]*|\b(?i:sides?|leaders?|ministers?|officials?|governments?|ministry|"
    r"ministries|nav(?:y|ies)|arm(?:y|ies)|forces?|delegations?|countries|nations|partners|"
    r"it|they|we|he|she|i|department|agency|compan(?:y|ies)|firms?|organisations?|"
    r"organizations?|committees?|commissions?|councils?|boards?|groups?|teams?))"
    r"\s+(?:(?i:also|jointly|further|now|soon)\s+)?$"
)
ARRANGED = re.compile(r"\bbe\s+(?:held|hosted|convened)\b")
# Grammar that commits beyond the listed phrases: the future ("will set up", "shall
# convene", "will be held"), reported intent ("announced that it would review"), a mandate
# ("instructed their officials to", "tasked the ministries to"), a renewed commitment.
GRAMMAR = re.compile(
    r"\b(?:will|shall)\s+(?:also\s+|jointly\s+|further\s+|now\s+|soon\s+)?(?!not\b)[a-z]+"
    r"(?:\s+(?:held|hosted|convened|signed|concluded|launched|set\s+up|established))?\b|"
    r"\bthat\s+(?:it|they|he|she|the\s+\w+(?:\s+\w+)?)\s+would\s+[a-z]+\b|"
    r"\b(?:instructed|directed|tasked|mandated)\s+(?:their|the|its)\s+(?:[\w-]+\s+){0,3}"
    r"to\s+[a-z]+\b|"
    r"\b(?:reaffirmed|reiterated|renewed|underlined)\s+(?:their|its|his|her|the)\s+"
    r"(?:[\w-]+\s+)?commitment\s+to\b|"
    r"\bsigned\s+an?\s+(?:memorandum\s+of\s+understanding|MoU|agreement|arrangement)\s+to\b"
)
# "Officials said that ...", "..., the minister said": the words around a restatement.
REPORTED_HEAD = re.compile(
    r"\b(?:said|says|stated|noted|repeated|added|recalled|reiterated|confirmed)\s+that\s+"
)
REPORTED_TAIL = (" said", " says", " stated", " added")


@dataclass(frozen=True)
class FoundCommitment:
    sentence: str
    phrase: str  # as the vocabulary spells it, lower case
    start: int  # offsets of the sentence in the text
    end: int
    countries: tuple[str, ...] = ()  # ISO codes of its parties


# "They will be evaluated by a committee": what is done to someone, by another, is no promise.
DONE_BY = re.compile(r"\s*be\s+[a-z]+ed\s+by\b")
PASSIVE = re.compile(r"\s*be\s+[a-z]+(?:ed|en|wn)\b")
# A plural common noun that is capitalised only as a sentence's first word: "Transfers will",
# "Exporters shall" (a name of that shape is a mention, checked before).
PLURAL_FIRST = re.compile(r"(?:^|[.!?]\s+|\n)\s*[A-Z][a-z]+s\s+$")


def _named_just_before(text: str, at: int, named: set[int]) -> bool:
    """The word before offset `at` ends a known country's or firm's name."""
    return len(text[:at].rstrip()) - 1 in named


def _by_an_actor(text: str, match: re.Match, named: set[int], *, rules: bool) -> bool:
    """Only someone can promise: "the two sides will", "DRDO will", "it would"; "the exercise
    will focus" and "the rule will come into force" commit nobody. A meeting that "will be
    held" is an arrangement, whoever holds it. `rules`: the statement has fewer than two
    parties (a notice), where "shall" states a rule ("Exporters shall file returns")."""
    words = match.group()
    if ARRANGED.search(words):
        return True
    if words.startswith("that"):  # reported intent: "that it would", not "that the project"
        return SUBJECT.search(words[: words.rindex(" would")] + " ") is not None
    if words[:1] not in "ws":  # a mandate or a renewed commitment names its actor itself
        return True
    modal_end = match.start() + len(words.split()[0])  # after "will" or "shall"
    if (rules and words.startswith("shall")) or DONE_BY.match(text, modal_end):
        return False
    before = text[max(0, match.start() - 40) : match.start()]
    if PLURAL_FIRST.search(before) and not _named_just_before(text, match.start(), named):
        return False
    if PASSIVE.match(text, modal_end):
        # "Exercise Varuna will be conducted", "trials by domestic firms will be conducted":
        # what is done to something; a known country or firm may still be the one it binds.
        return _named_just_before(text, match.start(), named)
    return SUBJECT.search(before) is not None


def _normal(sentence: str) -> str:
    words = " ".join(NOT_WORDS.sub(" ", sentence.casefold()).split())
    if head := REPORTED_HEAD.search(words, 0, 100):
        words = words[head.end() :]
    if words.endswith(REPORTED_TAIL):  # "..., the minister said": up to four words go
        kept = words.split()
        words = " ".join(kept[: max(len(kept) - 4, 1)])
    return words


def _repeats(sentence: str, kept: list[str]) -> bool:
    for other in kept:
        shorter, longer = sorted((sentence, other), key=len)
        if shorter in longer or fuzz.ratio(sentence, other) >= SAME_SENTENCE:
            return True
    return False


def _phrases(text: str, found: list[Found], cues: list[Cue], *, rules: bool) -> list[Cue]:
    """The vocabulary's commitment phrases and the commitment grammar of an actor."""
    # The last character of every known name, to tell "Philippines will" from "Transfers will".
    named = {item.end - 1 for item in found if item.kind in (Kind.COUNTRY, Kind.FIRM)}
    phrases = [cue for cue in cues if cue.kind == Term.Kind.COMMITMENT]
    phrases += [
        Cue(Term.Kind.COMMITMENT, " ".join(match.group().lower().split())[:60], *match.span())
        for match in GRAMMAR.finditer(text)
        if _by_an_actor(text, match, named, rules=rules)
    ]
    return phrases


def _topics(found: list[Found], cues: list[Cue], index) -> tuple[set[int], set[int]]:
    """(sentences on topic, sentences with an off-topic word)."""
    topical = {item.sentence for item in found if item.kind in TOPICAL}
    topical |= {index(cue.start) for cue in cues if cue.kind == Term.Kind.CONTEXT}
    return topical, {index(cue.start) for cue in cues if cue.kind == Term.Kind.OFF_TOPIC}


def find_commitments(
    text: str,
    found: list[Found],
    cues: Iterable[Cue],
    gazetteer: Gazetteer,
    *,
    parties: Iterable[int] = (),
    about_defence: bool = True,
    spans: Spans | None = None,
) -> list[FoundCommitment]:
    """Each on-topic sentence of `text` with a commitment phrase, once, in text order. In a
    statement not `about_defence` only a sentence that is on topic itself counts: "decided to
    hold the next session of the Trade Committee" is no defence commitment."""
    cues, parties = list(cues), set(parties)
    phrases = _phrases(text, found, cues, rules=len(parties) < 2)
    if not phrases:
        return []
    spans = sentence_spans(text) if spans is None else spans
    starts = [start for start, _ in spans]

    def index(position: int) -> int:
        return bisect_right(starts, position) - 1

    strongest: dict[int, Cue] = {}  # sentence index -> its longest phrase
    for cue in phrases:
        at = index(cue.start)
        if at < 0 or cue.end > spans[at][1]:
            continue  # in the space between two sentences
        if at not in strongest or len(cue.phrase) > len(strongest[at].phrase):
            strongest[at] = cue
    topical, off_topic = _topics(found, cues, index)
    codes = gazetteer.country_codes
    all_parties = tuple(sorted(codes[pk] for pk in parties if pk in codes))
    countries: dict[int, set[int]] = {}  # sentence -> the parties it names
    for item in found:
        if item.kind == Kind.COUNTRY and item.entity_id in parties:
            countries.setdefault(item.sentence, set()).add(item.entity_id)
    kept: list[str] = []
    result = []
    for at in sorted(strongest):
        if at not in topical and (not about_defence or not topical or at in off_topic):
            continue
        start, end = spans[at]
        sentence = " ".join(text[start:end].split())[:SENTENCE_LIMIT]
        normal = _normal(sentence)
        if _repeats(normal, kept):
            continue
        kept.append(normal)
        named = {codes[pk] for pk in countries.get(at, ())}
        result.append(
            FoundCommitment(
                sentence=sentence,
                phrase=strongest[at].phrase.lower(),
                start=start,
                end=end,
                countries=tuple(sorted(named)) or all_parties,
            )
        )
    return result
