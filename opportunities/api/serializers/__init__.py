"""Serializers of the opportunities API, one module per idea."""

from __future__ import annotations

from .activity import FollowUpSerializer, NoteSerializer
from .keys import external_id_key, team_key, username_key
from .opportunities import OpportunitySerializer, TeamSerializer
from .suggestions import SuggestionAcceptSerializer, SuggestionSerializer

__all__ = [
    "FollowUpSerializer",
    "NoteSerializer",
    "OpportunitySerializer",
    "SuggestionAcceptSerializer",
    "SuggestionSerializer",
    "TeamSerializer",
    "external_id_key",
    "team_key",
    "username_key",
]
