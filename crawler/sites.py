"""Site profiles: per-site crawl knowledge as data, not code (a Fundus-style registry).

A :class:`SiteProfile` names a publisher's hosts, where a crawl starts, where its
sitemaps and feeds live, and optional allow/deny patterns. ``generic`` works for any
WordPress news site from its base URL alone; named profiles (``kontumtv`` first) only
add what a site does differently.

Every profile can be bound to another origin with :meth:`SiteProfile.bind` (a fixture
served on ``http://127.0.0.1:PORT/``, a staging mirror): the bound profile allows exactly
the netloc (host[:port]) of that origin, since Scrapy's own domain helpers compare either
host names (``OffsiteMiddleware``) or netlocs (``LinkExtractor(allow_domains=...)``) and
neither is right for a local server with a port.

This module reads no settings.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

from crawler.errors import NewsarchiveError

__all__ = ["PROFILES", "SiteProfile", "netloc_of", "profile_for_url", "resolve_site"]

_DEFAULT_PORTS = {"http": 80, "https": 443}


def netloc_of(url: str | SplitResult) -> str:
    """Lower-cased ``host[:port]`` of *url* (a URL or its ``urlsplit``), the default port
    of its scheme dropped; user info is left out."""
    parts = urlsplit(url) if isinstance(url, str) else url
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port is None or _DEFAULT_PORTS.get(parts.scheme.lower()) == port:
        return host
    return f"{host}:{port}"


@dataclass(frozen=True)
class SiteProfile:
    """What a crawl needs to know about one site."""

    name: str
    base_url: str
    domains: tuple[str, ...]
    """Netlocs the crawl may fetch from (host, or host:port); nothing else, ever."""
    start_paths: tuple[str, ...] = ("",)
    """Pages the crawl starts from (besides sitemaps and feeds). Paths are relative to
    ``base_url`` (WordPress may live in a sub-folder); robots.txt is always at the root."""
    sitemaps: tuple[str, ...] = ("wp-sitemap.xml",)
    """Sitemaps fetched even if robots.txt does not list them (WordPress core's index)."""
    feeds: tuple[str, ...] = ("feed/",)
    """Site feeds fetched at the start (category/tag feeds are found on listing pages)."""
    allow: tuple[str, ...] = ()
    """Regexes on path+query; when given, only matching pages are followed (requisites,
    sitemaps and feeds are exempt)."""
    deny: tuple[str, ...] = ()
    """Regexes on path+query; matching URLs are never fetched."""
    language: str = "vi"
    description: str = ""
    _allow_re: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False,
                                                   compare=False)
    _deny_re: tuple[re.Pattern[str], ...] = field(default=(), init=False, repr=False,
                                                  compare=False)

    def __post_init__(self) -> None:
        try:
            allow_re = tuple(re.compile(p) for p in self.allow)
            deny_re = tuple(re.compile(p) for p in self.deny)
        except re.error as exc:
            raise NewsarchiveError(f"site profile {self.name!r}: bad pattern: {exc}") from exc
        object.__setattr__(self, "_allow_re", allow_re)
        object.__setattr__(self, "_deny_re", deny_re)
        object.__setattr__(self, "domains", tuple(d.lower() for d in self.domains))

    # --- binding to an origin -----------------------------------------------------
    def bind(self, base_url: str) -> SiteProfile:
        """This profile served from *base_url*: its netloc becomes the only allowed one
        unless it already is one of the profile's domains (then all stay allowed)."""
        base = check_base_url(base_url)
        netloc = netloc_of(base)
        domains = self.domains if netloc in self.domains else _www_pair(netloc)
        return replace(self, base_url=base, domains=domains)

    # --- URLs -------------------------------------------------------------------
    def url(self, path: str) -> str:
        return urljoin(self.base_url, path)

    def start_urls(self) -> list[str]:
        return [self.url(p) for p in self.start_paths]

    def sitemap_urls(self) -> list[str]:
        return [self.url(p) for p in self.sitemaps]

    def feed_urls(self) -> list[str]:
        return [self.url(p) for p in self.feeds]

    def robots_url(self) -> str:
        return self.url("/robots.txt")

    # --- policy ---------------------------------------------------------------------
    def on_site(self, url: str) -> bool:
        """True if *url* is http(s) on one of the profile's netlocs (host AND port)."""
        if not url[:8].lower().startswith(("http://", "https://")):
            return False
        try:
            return netloc_of(url) in self.domains
        except ValueError:  # 'http://[bad/': not a URL anything could be fetched from
            return False

    def denied(self, path_query: str) -> bool:
        return any(p.search(path_query) for p in self._deny_re)

    def allowed_page(self, path_query: str) -> bool:
        """Allow patterns (if any) match and no deny pattern does."""
        if self.denied(path_query):
            return False
        return not self._allow_re or any(p.search(path_query) for p in self._allow_re)

    def hostnames(self) -> list[str]:
        """Host names (no port) for Scrapy's ``allowed_domains``; the spider checks
        ports itself."""
        return sorted({d.rsplit(":", 1)[0] if not d.endswith("]") else d
                       for d in self.domains})


def _www_pair(netloc: str) -> tuple[str, ...]:
    """A site's host with and without ``www.`` (sites redirect one to the other, and a
    crawl given the wrong one would otherwise stop at its first redirect). IP addresses
    and hosts with a port stay alone."""
    host = netloc.rsplit(":", 1)[0] if not netloc.endswith("]") else netloc
    if host != netloc or host.startswith("[") or host.replace(".", "").isdigit() \
            or "." not in host:
        return (netloc,)
    other = host[4:] if host.startswith("www.") else f"www.{host}"
    return (netloc, other)


def check_base_url(url: str) -> str:
    """*url* as a base URL ('http(s)://host[:port]/path/'); NewsarchiveError if unusable."""
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # '[::1' and other unparseable hosts
        raise NewsarchiveError(f"not a usable URL: {url!r} ({exc})") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise NewsarchiveError(f"not an http(s) URL: {url!r}")
    try:
        _ = parts.port
    except ValueError as exc:
        raise NewsarchiveError(f"bad port in URL {url!r}") from exc
    path = parts.path or "/"
    if not path.endswith("/"):
        path = path.rsplit("/", 1)[0] + "/"
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}"


# --- The registry ------------------------------------------------------------------------

_GENERIC = SiteProfile(
    name="generic",
    base_url="http://localhost/",
    domains=(),
    description="Any WordPress news site, from its base URL alone.",
)

PROFILES: dict[str, SiteProfile] = {
    p.name: p
    for p in (
        _GENERIC,
        SiteProfile(
            name="kontumtv",
            base_url="https://kontumtv.vn/",
            domains=("kontumtv.vn", "www.kontumtv.vn"),
            description="Đài Phát thanh - Truyền hình Kon Tum (WordPress).",
            # Search result pages are an unbounded URL space on this theme.
            deny=(r"[?&]s=",),
        ),
    )
}


def profile_for_url(url: str) -> SiteProfile:
    """The registered profile whose domains include *url*'s netloc, else ``generic``."""
    netloc = netloc_of(url)
    for profile in PROFILES.values():
        if netloc in profile.domains:
            return profile
    return PROFILES["generic"]


def profile_to_setting(profile: SiteProfile) -> str:
    """*profile* as the ``NEWSARCHIVE_PROFILE`` setting (JSON): how a profile defined in a
    sites file (``crawler.config``), not in the package, reaches the crawl."""
    return json.dumps({f.name: getattr(profile, f.name) for f in fields(profile) if f.init},
                      ensure_ascii=False)


def profile_from_setting(value: Any) -> SiteProfile | None:
    """The profile a ``NEWSARCHIVE_PROFILE`` setting carries (None when unset)."""
    if not value:
        return None
    if isinstance(value, SiteProfile):
        return value
    try:
        data = json.loads(value) if isinstance(value, str) else dict(value)
        return SiteProfile(**{k: tuple(v) if isinstance(v, list) else v
                              for k, v in data.items()})
    except (ValueError, TypeError) as exc:
        raise NewsarchiveError(f"bad NEWSARCHIVE_PROFILE setting: {exc}") from None


def resolve_site(url: str | None, name: str | None = None,
                 custom: SiteProfile | None = None) -> SiteProfile:
    """The profile to crawl with, bound to *url* (or the profile's own base URL).

    ``name`` picks a profile explicitly (e.g. ``kontumtv`` for a local copy of the site):
    a built-in one, or *custom* (a sites file's own, ``NEWSARCHIVE_PROFILE``) when it has
    that name; otherwise the profile is looked up by *url*'s host, falling back to
    ``generic``.
    """
    if name:
        try:
            profile = custom if custom is not None and custom.name == name else PROFILES[name]
        except KeyError:
            valid = ", ".join(sorted(PROFILES))
            raise NewsarchiveError(
                f"unknown site profile {name!r} (valid: {valid})") from None
        if not url:
            if not profile.domains:
                raise NewsarchiveError(f"site profile {name!r} needs a URL")
            url = profile.base_url
    elif not url:
        raise NewsarchiveError("no URL given (newsarchive crawl URL, or scrapy crawl "
                               "wordpress -a url=URL)")
    else:
        profile = profile_for_url(check_base_url(url))
    return profile.bind(url)
