"""What every app's `api.py` shares: permissions, pagination, ordering, id-or-key fields,
related names in one query, spreadsheet exports. It lives in `partners`, the bottom of the
dependency chain, so statements and opportunities can build on it."""
