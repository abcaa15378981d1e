"""Scoring extraction against the labels in labels.json: plain Python, no Django, so the tests
can run it on tiny inputs. `observed` values come from `collect.py`."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LABELS = Path(__file__).resolve().parent / "labels.json"
KINDS = ("joint_statement", "dialogue", "press_note", "policy_notice", "industry", "exercise")
KINDS = (*KINDS, "negative")
# Areas the extraction work of issue 13 adds; labels may name them before they exist.
NEW_AREAS = (
    "Space",
    "Cyber",
    "Maritime domain awareness",
    "Defence industrial cooperation",
    "Military cooperation",
)
# A label is also met by the wider area that holds it today ("maritime domain awareness" is a
# keyword of the combined maritime area; the parent "Industrial cooperation" has no keywords).
EQUIVALENT = {
    "Maritime domain awareness": {"Maritime security and domain awareness"},
    "Defence industrial cooperation": {"Industrial cooperation"},
}
# Words that stand before a name ("Defence Secretary Shri Giridhar Aramane") and are compared
# without: a candidate "Mr Richard Marles" meets the label "Richard Marles".
# fmt: off
TITLES = frozenset({
    "mr", "mrs", "ms", "dr", "shri", "smt", "sri", "the", "his", "her", "excellency", "highness",
    "president", "prime", "minister", "general", "admiral", "air", "vice", "marshal", "major",
    "lt", "lieutenant", "colonel", "rear", "retd", "defence", "defense", "secretary", "raksha",
    "mantri", "external", "affairs", "foreign", "ambassador", "under", "deputy", "chairman",
    "director", "chief",
})
# fmt: on


@dataclass(frozen=True)
class Observed:
    """What the pipeline concluded about one statement."""

    parties: set[str]
    pairings: list[frozenset[str]]  # the countries of each suggestion
    openings: list[tuple[str, str, str]]  # (owner code, kind, cap) of each linked opening
    areas: set[str]
    commitments: list[str]
    names: list[str] | None  # None: the project has no name candidates yet
    # The words of the known firms and contacts it links (mention terms and their names): a
    # labelled name among them is in the database already, with nothing left to triage.
    known: frozenset[str] = frozenset()


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p and r else None


@dataclass
class Outcome:
    """One measure on one statement: its counts and what it got wrong, for the misses list."""

    counts: Counts = field(default_factory=Counts)
    extra: list[str] = field(default_factory=list)
    missed: list[str] = field(default_factory=list)


def set_score(expected: set[str], found: set[str]) -> Outcome:
    extra, missed = sorted(found - expected), sorted(expected - found)
    return Outcome(Counts(len(found & expected), len(extra), len(missed)), extra, missed)


def areas_score(expected: list[str], linked: set[str]) -> Outcome:
    """A label is met by the area of its name or an EQUIVALENT one; a linked area that meets
    no label is extra."""
    met = {label for label in expected if ({label} | EQUIVALENT.get(label, set())) & linked}
    used = {name for label in met for name in {label} | EQUIVALENT.get(label, set())}
    missed = sorted(set(expected) - met)
    extra = sorted(linked - used)
    return Outcome(Counts(len(met), len(extra), len(missed)), extra, missed)


def spaced(text: str) -> bool:
    """Written mostly in Latin letters (English, French), whose words a space separates."""
    letters = [char for char in text if char.isalpha()]
    return sum(char <= "\u024f" for char in letters) * 2 > len(letters)


def normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def commitments_score(expected: list[str], stored: list[str]) -> Outcome:
    """A stored sentence meets a label when it contains the label's words; each label is met
    once, so a sentence stored twice counts once right and once extra."""
    left = [normal(label) for label in expected]
    outcome = Outcome()
    for sentence in stored:
        hit = next((label for label in left if label in normal(sentence)), None)
        if hit is None:
            outcome.extra.append(sentence[:90])
        else:
            left.remove(hit)
    outcome.missed = left
    outcome.counts = Counts(len(stored) - len(outcome.extra), len(outcome.extra), len(left))
    return outcome


def name_core(text: str) -> str:
    """The name without the titles before it or the role after a comma."""
    words = re.sub(r"[()]", " ", normal(text.split(",")[0])).split()
    while len(words) > 1 and words[0].rstrip(".") in TITLES:
        words.pop(0)
    return " ".join(words).strip(" .")


def firm_key(name: str) -> str:
    # The product's key of a firm's name (legal forms off); imported late, as this module is
    # loaded before the project is on the path.
    from partners.names import firm_key as product_key

    return product_key(name)


def _linked(core: str, linked: set[str]) -> bool:
    return core in linked or firm_key(core) in linked


def names_score(expected: list[dict], candidates: list[str], known: Iterable[str] = ()) -> Outcome:
    """Candidates against labelled names; one meeting an optional label counts neither way,
    and a labelled name the statement links as a known firm or contact is optional."""
    # Compared without legal forms too: "Saab AB" in the text is the reference firm Saab.
    linked = {name_core(text) for text in known} | {firm_key(text) for text in known}
    cores = [(name_core(n["text"]), n.get("optional", False)) for n in expected]
    required = {c for c, optional in cores if not optional and not _linked(c, linked)}
    optional = {c for c, optional in cores if optional or _linked(c, linked)}
    found = {name_core(text) for text in candidates} - (optional - required)
    return set_score(required, found)


def suggestion_right(label: dict, pairings: list[frozenset[str]]) -> tuple[bool, str]:
    """Right: none proposed when none is due; else exactly one, for the labelled parties."""
    if not label["suggestion"]:
        return not pairings, "proposed " + ", ".join("-".join(sorted(p)) for p in pairings)
    wanted = frozenset(label["parties"])
    if len(pairings) == 1 and pairings[0] == wanted:
        return True, ""
    got = ", ".join("-".join(sorted(p)) for p in pairings) or "none"
    return False, f"wanted {'-'.join(sorted(wanted))}, got {got}"


def cap_normal(cap: str) -> str:
    """'74 per cent', 'seventy-four percent', '74 %' -> '74%'."""
    cap = re.sub(r"seventy[- ]four", "74", cap.casefold())
    return re.sub(r"\s*(per\s*cent|percent|%)", "%", cap)


def policy_right(label: dict | None, openings: list[tuple[str, str, str]]) -> tuple[bool, str]:
    """Openings are (owner code, kind, cap). Right: none when the label is null; else exactly
    the labelled owner and kind, with the labelled cap in the opening's cap when one is due."""
    got = sorted({(owner, kind) for owner, kind, _ in openings})
    shown = ", ".join(f"{owner}/{kind}" for owner, kind in got) or "none"
    if label is None:
        return not got, f"proposed {shown}"
    if got != [(label["owner"], label["kind"])]:
        return False, f"wanted {label['owner']}/{label['kind']}, got {shown}"
    if label.get("cap"):
        caps = [cap_normal(cap) for _, _, cap in openings]
        if not any(cap_normal(label["cap"]) in cap for cap in caps):
            return False, f"cap {label['cap']} not found (caps: {caps})"
    return True, ""


def labels_load(path: Path = LABELS) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))


def labels_problems(labels: dict, texts: dict[str, str], reference: dict[str, set[str]]) -> list:
    """What makes the labels disagree with the files (name -> text) or the reference data
    (`reference`: "countries", "areas", "policy kinds" and "home", each a set of names)."""
    problems = [f"{name}: not labelled" for name in texts if name not in labels]
    problems += [f"{name}: labelled, no such file" for name in labels if name not in texts]
    for name, label in labels.items():
        problems += [f"{name}: {problem}" for problem in _label_problems(label, reference)]
        text = normal(texts.get(name, ""))
        quoted = [*label["commitments"], *(n["text"] for n in label["names"])]
        problems += [f"{name}: {q!r} is not in the text" for q in quoted if normal(q) not in text]
    return problems


def _label_problems(label: dict, reference: dict[str, set[str]]) -> Iterator[str]:
    countries = [*label["parties"], *label["others"]]
    if label["policy"]:
        countries.append(label["policy"]["owner"])
        if label["policy"]["kind"] not in reference["policy kinds"]:
            yield f"policy kind {label['policy']['kind']!r}"
    if label["source"]:
        countries.append(label["source"])
    yield from (
        f"{code} is not a country" for code in countries if code not in reference["countries"]
    )
    known = reference["areas"] | set(NEW_AREAS)
    yield from (f"no area {area!r}" for area in label["areas"] if area not in known)
    if label["kind"] not in KINDS:
        yield f"kind {label['kind']!r}"
    if label["suggestion"] and not (reference["home"] & set(label["parties"])):
        yield "a suggestion pairs the home country, which is not among the parties"
    if label["suggestion"] and len(label["parties"]) < 2:
        yield "a suggestion needs two parties"


@dataclass
class Report:
    parties: Counts = field(default_factory=Counts)
    areas: Counts = field(default_factory=Counts)
    commitments: Counts = field(default_factory=Counts)
    names: Counts | None = field(default_factory=Counts)
    suggestions_right: int = 0
    policies_right: int = 0
    statements: int = 0
    misses: dict[str, list[str]] = field(default_factory=dict)  # file -> what went wrong


def evaluate(labels: dict[str, dict], observed: dict[str, Observed]) -> Report:
    report = Report()
    for name, label in sorted(labels.items()):
        seen = observed[name]
        misses = report.misses.setdefault(name, [])
        report.statements += 1
        for measure, outcome in (
            ("parties", set_score(set(label["parties"]), seen.parties)),
            ("areas", areas_score(label["areas"], seen.areas)),
            ("commitments", commitments_score(label["commitments"], seen.commitments)),
        ):
            getattr(report, measure).add(outcome.counts)
            misses += _outcome_lines(measure, outcome, label)
        if seen.names is None:
            report.names = None
        elif report.names is not None:
            outcome = names_score(label["names"], seen.names, seen.known)
            report.names.add(outcome.counts)
            misses += _outcome_lines("names", outcome, label)
        right, why = suggestion_right(label, seen.pairings)
        report.suggestions_right += right
        misses += [] if right else [f"suggestion wrong: {why}"]
        right, why = policy_right(label["policy"], seen.openings)
        report.policies_right += right
        misses += [] if right else [f"policy wrong: {why}"]
    return report


def _outcome_lines(measure: str, outcome: Outcome, label: dict) -> list[str]:
    extra = outcome.extra
    if measure == "parties":  # say which extra countries the labels call places or topics
        extra = [f"{code} (other)" if code in label["others"] else code for code in extra]
    lines = [f"{measure} extra: {item}" for item in extra]
    return lines + [f"{measure} missed: {item}" for item in outcome.missed]
