"""Spreadsheet rows in and out: the bulk upserts of opportunities and follow-ups (through the
pipeline services) and the admin's import-export resources."""

# The change reason of every history record a sheet upload writes: the opportunity page's
# activity stream tells an upload from an edit by it.
SHEET_UPLOAD = "sheet upload"
