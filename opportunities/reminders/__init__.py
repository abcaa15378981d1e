"""Reminders: the daily digest, calendar feeds and webhooks, with their models, admin and
tasks."""
