"""Errors of the crawler package (shared base with the archive package)."""

from __future__ import annotations

from archive.errors import ArchiveError


class NewsarchiveError(ArchiveError):
    """Bad input or configuration; the message is one line for the user."""
