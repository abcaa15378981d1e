"""A believable demo data set: partners, firms, contacts, policy openings, teams, users, the
project's own sample statements and 60 opportunities with follow-ups and notes."""

from .load import demo_load

__all__ = ["demo_load"]
