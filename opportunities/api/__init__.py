"""REST API for opportunities: teams, opportunities, follow-ups, notes, suggestions, and the
spreadsheet bulk upsert."""

from __future__ import annotations

from .upload_jobs import UploadJobViewSet
from .views import (
    FollowUpViewSet,
    NoteViewSet,
    OpportunityViewSet,
    SuggestionViewSet,
    TeamViewSet,
)

__all__ = [
    "FollowUpViewSet",
    "NoteViewSet",
    "OpportunityViewSet",
    "SuggestionViewSet",
    "TeamViewSet",
    "UploadJobViewSet",
]
