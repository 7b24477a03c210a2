"""The page themes of the fixture sites, by name (``--theme`` of ``fixtures generate``).

A theme turns model objects into complete HTML documents and records every URL it emits
(see ``links``); ``theme_kontumtv.KontumTheme`` is the base class.
"""

from __future__ import annotations

from crawler.sitegen.theme_kontumtv import COMMENT_NOTES, COOKIES_TEXT, KontumTheme, excerpt
from crawler.sitegen.theme_newspaper import NewspaperTheme

THEMES: dict[str, type[KontumTheme]] = {"kontumtv": KontumTheme, "newspaper": NewspaperTheme}

__all__ = ["COMMENT_NOTES", "COOKIES_TEXT", "THEMES", "KontumTheme", "NewspaperTheme", "excerpt"]
