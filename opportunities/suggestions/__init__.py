"""Suggestions: opportunities proposed from extracted statements (proposals), their triage by
staff (accept, dismiss), and the commitments in a statement proposed as follow-ups."""
