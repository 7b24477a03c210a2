"""The crawl policy of docs/ARCHITECTURE.md ("Crawl policy"), applied to a fixture site.

``CrawlPolicy.classify`` says whether a discovered URL is fetched or forbidden;
``expected_crawl`` walks the recorded link graph of a built site from the base URL the
way a correct crawl does and returns the two gold URL lists. robots.txt is parsed with
Protego, the parser Scrapy's RobotsTxtMiddleware uses.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from protego import Protego

MEDIA_EXTENSIONS = (".mp4", ".m4v", ".webm", ".mov", ".mp3", ".m4a", ".ogg", ".wav", ".flv")
USER_AGENT = "newsarchive"


class CrawlPolicy:
    """Fetch or forbid, for one site (origin + its robots.txt)."""

    def __init__(self, origin: str, robots_txt: str) -> None:
        self.origin = origin
        self.host = urlsplit(origin).netloc
        self.robots = Protego.parse(robots_txt)

    def classify(self, url: str, kind: str) -> str:
        """'fetch' or 'forbid' for a URL found as a link of ``kind`` (see links.py)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or parts.netloc != self.host:
            return "forbid"
        path = parts.path.lower()
        if kind in ("commentfeed", "media") or path.endswith(MEDIA_EXTENSIONS):
            return "forbid"
        if "replytocom=" in parts.query:
            return "forbid"
        if path.endswith("/wp-login.php") or path.startswith("/wp-admin/") or path == "/wp-admin":
            return "forbid"
        if not self.robots.can_fetch(url, USER_AGENT):
            return "forbid"
        return "fetch"


@dataclass
class CrawlResult:
    expected: list[str] = field(default_factory=list)     # in discovery order
    forbidden: list[str] = field(default_factory=list)
    redirects: dict[str, str] = field(default_factory=dict)  # source URL -> target URL
    not_found: list[str] = field(default_factory=list)


def expected_crawl(origin: str, policy: CrawlPolicy, roots: Iterable[str],
                   resolve: Callable[[str], tuple[str, object]]) -> CrawlResult:
    """Breadth-first walk from ``roots`` (full URLs).

    ``resolve(url)`` answers like the replay server: ('redirect', target_url),
    ('page', [(url, kind), ...]) for a resource with recorded links, ('file', None) for a
    static file, or ('404', None).
    """
    result = CrawlResult()
    seen: set[str] = set()
    forbidden: set[str] = set()
    queue: deque[str] = deque()

    def consider(url: str, kind: str) -> None:
        url = urldefrag(url)[0]
        if url in seen or url in forbidden:
            return
        if policy.classify(url, kind) == "fetch":
            seen.add(url)
            queue.append(url)
            result.expected.append(url)
        else:
            forbidden.add(url)
            result.forbidden.append(url)

    for root in roots:
        consider(root, "a")
    while queue:
        url = queue.popleft()
        what, data = resolve(url)
        if what == "redirect":
            result.redirects[url] = str(data)
            consider(str(data), "a")
        elif what == "page":
            for link, kind in data:  # type: ignore[union-attr]
                consider(link, kind)
        elif what == "404":
            result.not_found.append(url)
    return result
