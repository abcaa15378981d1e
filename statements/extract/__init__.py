"""Find countries, firms, contacts, investment areas and policy phrases in statements.

`gazetteer` builds and caches the Aho-Corasick automaton, `matching.find_mentions` is the pure
one-pass search, `policy` proposes candidate openings, and `services` stores it all a batch of
statements at a time.
"""

from __future__ import annotations

from .gazetteer import (
    POLICY_PHRASES,
    Gazetteer,
    fold,
    gazetteer_build,
    gazetteer_get,
    gazetteer_version,
)
from .matching import Found, find_mentions
from .policy import OPENING_TITLES, policy_candidates
from .sentences import SNIPPET_LIMIT, sentence_spans
from .services import ExtractResult, statement_extract, statements_extract

__all__ = [
    "OPENING_TITLES",
    "POLICY_PHRASES",
    "SNIPPET_LIMIT",
    "ExtractResult",
    "Found",
    "Gazetteer",
    "find_mentions",
    "fold",
    "gazetteer_build",
    "gazetteer_get",
    "gazetteer_version",
    "policy_candidates",
    "sentence_spans",
    "statement_extract",
    "statements_extract",
]
