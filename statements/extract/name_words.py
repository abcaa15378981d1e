"""The words that are no part of a name, shared by the people's and the organisations'
patterns (person_patterns.py, name_patterns.py)."""

from __future__ import annotations

import re

UPPER, LOWER = "A-ZÀ-ÖØ-Þ", "a-zß-öø-ÿ"
# Public bodies: a head word that names a body ("Sports Authority", "Bureau of Industry and
# Security"), in a closed class so a common noun never starts one.
BODY = (
    r"Authority|Bureau|Department|Administration|Association|Society|University|Council|"
    r"Board|Foundation|Commission|Command|Establishment|Directorate(?:\s+General)?|Museum"
)
# The one-word ends of a name: a run is also cut at "and" after one (see _organisation_parts).
SUFFIX_WORDS = (
    r"Industries|Limited|Ltd\.?|Corporation|Corp\.|Company|Inc\.|PLC|LLC|"
    r"GmbH|Aerospace|Aeronautics|Systems|Technologies|Dynamics|Electronics|"
    r"Shipbuilders|Shipyards?|Dockyards?|Group|Organi[sz]ation|Agency|"
    rf"Ministry|Laboratories|Institute|{BODY}"
)
ORG_END = re.compile(rf"(?<![\w-])(?:{SUFFIX_WORDS})(?!\w)")
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


def trim(words: list[str], stop: frozenset[str] = NOT_NAMES) -> list[str]:
    while words and (words[0].lower() in stop or words[0] == "&"):
        words = words[1:]
    while words and words[-1].lower() in stop:
        words = words[:-1]
    return words
