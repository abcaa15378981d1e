"""Spreadsheet rows in and out: the bulk upserts of opportunities and follow-ups (through the
pipeline services), the upload jobs that run large sheets on a worker, and their admin."""

# The change reason of every history record a sheet upload writes: the opportunity page's
# activity stream tells an upload from an edit by it.
SHEET_UPLOAD = "sheet upload"
