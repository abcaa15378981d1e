"""Sentences of a statement that commit someone to act. Found at extraction
(`statements.extract.commitments`) and stored as `Commitment` rows of the statement; the
opportunities app turns those into follow-up candidates (statements knows nothing of
opportunities)."""

from __future__ import annotations

from .extract.commitments import FoundCommitment, find_commitments

__all__ = ["FoundCommitment", "find_commitments"]
