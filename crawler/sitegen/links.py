"""The link recorder: every URL a rendered page emits goes through it, with its kind.

Kinds (what the crawl policy looks at):
- ``a``: an anchor a crawler follows; ``feed``: <link rel=alternate> to a site/category feed;
- ``req``: a page requisite (stylesheet, script, img, same-page iframe such as the player);
- ``amphtml``, ``canonical``: <link rel=...> to the AMP copy / canonical page;
- ``commentfeed``: a per-post comment feed (never fetched);
- ``media``: a video/audio file address (never fetched; goes to ``video_urls``);
- ``loc``: a URL listed by a sitemap or a feed item; ``sitemap``: a sitemap URL.
"""

from __future__ import annotations

import html


class Links:
    """Collects (full URL, kind) pairs for one page; calling it returns the escaped href."""

    __slots__ = ("origin", "out")

    def __init__(self, origin: str) -> None:
        self.origin = origin
        self.out: list[tuple[str, str]] = []

    def url(self, target: str, kind: str = "a") -> str:
        """Record ``target`` (a path or a full URL) and return the full, unescaped URL."""
        full = target if target.startswith(("http://", "https://")) else self.origin + target
        self.out.append((full, kind))
        return full

    def rel(self, path: str, kind: str = "a") -> str:
        """Record a site path and return it as is (a root-relative href, unescaped)."""
        self.out.append((self.origin + path, kind))
        return path

    def __call__(self, target: str, kind: str = "a") -> str:
        """Record ``target`` and return it escaped for an HTML attribute."""
        return html.escape(self.url(target, kind), quote=True)
