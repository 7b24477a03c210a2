"""The one exception type of the archive package."""

from __future__ import annotations


class ArchiveError(Exception):
    """Bad input or a failed archive operation; the message is one line for the user."""
