"""Spreadsheet rows in and out: the bulk upserts of opportunities and follow-ups (through the
pipeline services), the upload jobs that run large sheets on a worker, and their admin."""
