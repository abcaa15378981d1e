"""Find countries, firms, contacts, investment areas, places, policy phrases, commitments and
new names in statements.

`gazetteer` builds and caches the Aho-Corasick automaton, `matching` is the pure one-pass
search, `roles` gives each country mention its part (party, place, other), `policy`,
`commitments` and `names` read what else a statement says, `reading` puts it together for one
statement, and `services` (with `findings`) stores it all a batch of statements at a time.
"""

from __future__ import annotations

from .folding import fold
from .gazetteer import Gazetteer, gazetteer_build, gazetteer_get, gazetteer_version
from .matching import Cue, Found, find_all, find_mentions
from .policy import OPENING_TITLES, policy_candidates
from .reading import Reading, statement_read
from .sentences import SNIPPET_LIMIT, sentence_spans
from .services import ExtractResult, statement_extract, statements_extract

__all__ = [
    "OPENING_TITLES",
    "SNIPPET_LIMIT",
    "Cue",
    "ExtractResult",
    "Found",
    "Gazetteer",
    "Reading",
    "find_all",
    "find_mentions",
    "fold",
    "gazetteer_build",
    "gazetteer_get",
    "gazetteer_version",
    "policy_candidates",
    "sentence_spans",
    "statement_extract",
    "statement_read",
    "statements_extract",
]
