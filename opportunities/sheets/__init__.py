"""Spreadsheet rows in and out: the bulk upserts of opportunities and follow-ups (through the
pipeline services) and the admin's import-export resources."""
