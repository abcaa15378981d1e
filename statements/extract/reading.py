"""Reading one statement: everything extraction concludes from its title and text, before
anything is stored. Pure: the gazetteer in, plain values out."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from partners.models import Term

from .commitments import FoundCommitment, find_commitments
from .folding import fold
from .gazetteer import Gazetteer, Kind
from .matching import BY_POSITION, Cue, Found, find_all
from .names import NameFound, names_find
from .policy import Owners, Proposal, percent_mentions, policy_candidates
from .roles import PARTY, firm_party_countries, party_ids, roles_assign
from .sentences import Spans, sentence_spans

TITLE_PREFIX = 300  # how far into the text a title may be repeated as its first sentence


@dataclass
class Reading:
    found: list[Found]  # in the text
    title_found: list[Found] = field(default_factory=list)  # in the title (offsets in it)
    parties: set[int] = field(default_factory=set)
    commitments: list[FoundCommitment] = field(default_factory=list)
    names: list[NameFound] = field(default_factory=list)
    openings: dict[tuple[int, str], Proposal] = field(default_factory=dict)


def _words(text: str) -> str:
    return " ".join(fold(text).split())


def title_repeats(title: str, text: str) -> bool:
    """A title made from the text's first sentence says nothing the text does not."""
    return _words(text[: len(title) + TITLE_PREFIX]).startswith(_words(title))


def is_about_defence(
    text: str, cues: list[Cue], title_cues: list[Cue], spans: Spans | None = None
) -> bool:
    """A statement is about defence when its title says so, or two of its sentences do, or a
    third of them: one sentence that recalls "the long-standing defence ties" in a trade or a
    culture statement makes no defence statement of it, but a short note may be one sentence."""
    if any(cue.kind == Term.Kind.CONTEXT for cue in title_cues):
        return True
    context = [cue.start for cue in cues if cue.kind == Term.Kind.CONTEXT]
    if not context:
        return False
    if spans is None:
        spans = sentence_spans(text)
    starts = [low for low, _ in spans]
    sentences = len({bisect_right(starts, at) for at in context})
    return sentences >= 2 or sentences * 3 >= len(spans)


def areas_gate(
    text: str,
    found: list[Found],
    cues: list[Cue],
    gazetteer: Gazetteer,
    *,
    about_defence: bool,
    spans: Spans | None = None,
) -> list[Found]:
    """Drop every area of a statement that says nothing of defence ("joint training camps for
    athletes", "joint research in agriculture"), and an area matched by a single common word
    ("training", "exports") unless its own sentence is about defence or names an area by a
    phrase of its own."""
    if not about_defence:
        return [item for item in found if item.kind != Kind.AREA]
    context: set[int] | None = None
    kept = []
    for item in found:
        # Generic keywords are single words: lower() folds them as fold() would, cheaper.
        if item.kind == Kind.AREA and item.term.lower() in gazetteer.generic:
            if context is None:
                starts = [low for low, _ in (sentence_spans(text) if spans is None else spans)]
                context = {
                    bisect_right(starts, cue.start) - 1
                    for cue in cues
                    if cue.kind == Term.Kind.CONTEXT
                }
                # An area named by a whole phrase is defence context for its sentence too:
                # "space and cyber" beside "space situational awareness".
                context |= {
                    other.sentence
                    for other in found
                    if other.kind == Kind.AREA and other.term.lower() not in gazetteer.generic
                }
            if item.sentence not in context:
                continue
        kept.append(item)
    return kept


def _inside_names(found: list[Found], names: list[NameFound]) -> list[Found]:
    """A country inside an organisation's name ("Bharat Electronics Limited signed") is no
    party to the statement: the firm acts, not its country."""
    spans = [(name.start, name.end) for name in names if name.kind == "organisation"]
    if not spans:
        return found
    return [
        item._replace(role="other")
        if item.kind == Kind.COUNTRY and any(low <= item.start < high for low, high in spans)
        else item
        for item in found
    ]


def _firms_as_parties(
    found: list[Found], acting: dict[int, Found], parties: set[int]
) -> list[Found]:
    """`found` with a party mention of each country that acts only through its firms, at the
    firm's words: the pairing, the statement page and the partnership timeline then read it as
    any other party."""
    added = [
        firm._replace(kind=Kind.COUNTRY, entity_id=country, role=PARTY)
        for country, firm in acting.items()
        if country not in parties
    ]
    return sorted([*found, *added], key=BY_POSITION) if added else found


def _parties(
    text: str, title: str, found: list[Found], title_found: list[Found], gazetteer: Gazetteer
) -> tuple[list[Found], list[Found], set[int]]:
    """(found, title_found, parties), with the countries that act through their firms: a
    statement of firms ("BEL and Thales sign an MoU") may name no acting country at all; where
    countries already pair, their firms add nothing but doubt."""
    parties = party_ids(found) | party_ids(title_found)
    if len(parties) >= 2:
        return found, title_found, parties
    firm_countries = gazetteer.firm_countries
    found = _firms_as_parties(found, firm_party_countries(text, found, firm_countries), parties)
    title_found = _firms_as_parties(
        title_found,
        firm_party_countries(title, title_found, firm_countries, in_title=True),
        parties,
    )
    return found, title_found, party_ids(found) | party_ids(title_found)


def _title_find(
    title: str, text: str, gazetteer: Gazetteer, language: str
) -> tuple[list[Found], list[Cue], Spans]:
    """The title's mentions, cues and sentences; none for a title that repeats the text."""
    if not title or title_repeats(title, text):
        return [], [], ()
    spans = sentence_spans(title)
    return (*find_all(title, gazetteer, language, spans=spans), spans)


def statement_read(
    *,
    title: str,
    text: str,
    gazetteer: Gazetteer,
    source_country: int | None,
    home_code: str,
    language: str = "",
) -> Reading:
    # Split once: matching, the defence and areas gates, names and commitments all read them.
    spans = sentence_spans(text)
    found, cues = find_all(text, gazetteer, language, spans=spans)
    title_found, title_cues, title_spans = _title_find(title, text, gazetteer, language)
    always = [source_country] if source_country else []
    about_defence = is_about_defence(text, cues, title_cues, spans)
    found = areas_gate(text, found, cues, gazetteer, about_defence=about_defence, spans=spans)
    title_found = areas_gate(
        title, title_found, title_cues, gazetteer, about_defence=about_defence, spans=title_spans
    )
    title_found = roles_assign(title, title_found, in_title=True, party_ids=always)
    title_pairs = len(party_ids(title_found)) >= 2
    found = roles_assign(text, found, party_ids=always, title_pairs=title_pairs)
    # After roles, so that a name's country is guessed from parties, not from topics.
    names, contacts = names_find(
        text, found, gazetteer, fallback_country=source_country, spans=spans
    )
    if contacts:
        found = sorted([*found, *contacts], key=BY_POSITION)
    found = _inside_names(found, names)
    found, title_found, parties = _parties(text, title, found, title_found, gazetteer)
    found = sorted([*found, *percent_mentions(text, found, gazetteer)], key=BY_POSITION)
    owners = Owners(
        home=gazetteer.country_ids.get(home_code),
        source=source_country,
        parties=frozenset(parties),
    )
    openings = policy_candidates(title, title_found, gazetteer, home_code, owners)
    openings.update(policy_candidates(text, found, gazetteer, home_code, owners))
    return Reading(
        found=found,
        title_found=title_found,
        parties=parties,
        commitments=find_commitments(
            text,
            found,
            cues,
            gazetteer,
            parties=parties,
            about_defence=about_defence,
            spans=spans,
        ),
        names=names,
        openings=openings,
    )
