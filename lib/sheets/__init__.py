"""Spreadsheets: export columns and the CSV/XLSX writers, reading uploads, formula safety, and
the admin's export base."""
