"""Why an uploaded sheet cannot be read."""

from __future__ import annotations


class SheetError(ValueError):
    """The file as a whole cannot be read (a 400)."""


class SheetTooLarge(SheetError):
    """The file is over a size cap: bytes, unpacked bytes, rows or columns (a 413)."""
