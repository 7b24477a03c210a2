"""Discovery documents: sitemaps, feeds, the WordPress REST API, robots.txt lines.

Pure functions on bytes and strings (no Scrapy), used by the spider: they say which
URLs a document lists and with what date; the spider decides what to fetch.

- :func:`parse_sitemap` (index or urlset, plain or gzip), :func:`parse_feed` (RSS 2.0,
  RDF, Atom), :func:`parse_wp_posts` (``/wp-json/wp/v2/posts``) -> :class:`Entry` lists;
- :func:`robots_sitemaps`: the ``Sitemap:`` lines of a robots.txt;
- :func:`api_root`: the REST API root a ``Link: <...>; rel="https://api.w.org/"`` header
  advertises; :func:`api_posts_url` / :func:`api_has_more`: its post listing pages;
- :func:`parse_listing_date`: the date a sitemap (W3C), Atom (ISO 8601) or RSS (RFC 822)
  gives -> aware datetime; :func:`parse_since`: the ``--since`` value.

Reads no settings.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import gzip
import json
import re
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

from crawler.errors import NewsarchiveError

_ROBOTS_SITEMAP = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_LINK_HEADER_API = re.compile(r'<([^>]+)>\s*;\s*rel="?https://api\.w\.org/"?')
API_PAGE_SIZE = 100


@dataclass(frozen=True)
class Entry:
    """One URL of a sitemap or feed with its date (lastmod / news publication_date /
    pubDate / updated), as written."""

    url: str
    date: str | None = None


def open_gzip(body: bytes, max_size: int = 50 * 1024 * 1024) -> bytes:
    """Gunzip *body* if it is gzip (sitemap.xml.gz served without Content-Encoding)."""
    if body[:2] != b"\x1f\x8b":
        return body
    out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, max_size)
    if not out:
        return gzip.decompress(body)
    return out


def _xml_root(body: bytes) -> Any:
    from lxml import etree

    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True,
                             huge_tree=True, remove_comments=True)
    try:
        return etree.fromstring(open_gzip(body), parser=parser)
    except (etree.XMLSyntaxError, zlib.error, OSError, EOFError, ValueError):
        return None


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_sitemap(body: bytes) -> tuple[str, list[Entry]]:
    """('index' | 'urlset' | '', entries) of a sitemap (plain or gzip); dates are
    ``<lastmod>``, or ``<news:publication_date>`` when newer."""
    root = _xml_root(body)
    if root is None:
        return "", []
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return "", []
    entries: list[Entry] = []
    for child in root:
        loc = date = None
        for el in child.iter():
            name = _local(el.tag)
            text = (el.text or "").strip()
            if name == "loc" and loc is None and el.getparent() is child:
                loc = text
            elif name in ("lastmod", "publication_date") and text:
                date = max(date, text) if date else text
        if loc:
            entries.append(Entry(loc, date))
    return ("index" if kind == "sitemapindex" else "urlset"), entries


def parse_feed(body: bytes) -> list[Entry]:
    """Item links of an RSS 2.0 / RDF / Atom feed with their dates."""
    root = _xml_root(body)
    if root is None:
        return []
    entries: list[Entry] = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        link = date = None
        for el in item:
            tag = _local(el.tag)
            if tag == "link":
                href = el.get("href")
                if href is not None:  # Atom
                    if el.get("rel", "alternate") == "alternate" and link is None:
                        link = href.strip()
                elif el.text and link is None:
                    link = el.text.strip()
            elif tag == "guid" and link is None and el.get("isPermaLink") == "true":
                link = (el.text or "").strip() or None
            elif tag in ("pubdate", "published", "updated", "date") and el.text and not date:
                date = el.text.strip()
        if link:
            entries.append(Entry(link, date))
    return entries


def parse_wp_posts(body: bytes) -> list[Entry]:
    """``link`` and ``modified_gmt`` / ``date_gmt`` of a /wp-json/wp/v2/posts answer."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return []
    if not isinstance(data, list):
        return []
    entries = []
    for post in data:
        if isinstance(post, dict) and isinstance(post.get("link"), str):
            date = post.get("modified_gmt") or post.get("date_gmt") or post.get("date")
            if isinstance(date, str) and len(date) == 19:
                date += "Z"
            entries.append(Entry(post["link"], date if isinstance(date, str) else None))
    return entries


def robots_sitemaps(text: str) -> list[str]:
    """The URLs of a robots.txt's ``Sitemap:`` lines, as written."""
    return _ROBOTS_SITEMAP.findall(text)


def api_root(link_headers: Iterable[str]) -> str | None:
    """The REST API root a ``Link: <URL>; rel="https://api.w.org/"`` header names."""
    for value in link_headers:
        m = _LINK_HEADER_API.search(value)
        if m:
            return m.group(1)
    return None


def api_posts_url(root: str, page: int) -> str:
    """Page *page* of the REST API's post listing under *root* (ending in '/')."""
    return urljoin(root, f"wp/v2/posts?per_page={API_PAGE_SIZE}&page={page}")


def api_has_more(total_pages: str | None, page: int, entries: int) -> bool:
    """Whether page *page* of the post listing has a successor: ``X-WP-TotalPages`` when
    the site sends it, else a full page."""
    if total_pages and total_pages.isdigit():
        return int(total_pages) > page
    return entries >= API_PAGE_SIZE


def parse_listing_date(value: str | None) -> dt.datetime | None:
    """A sitemap (W3C), Atom (ISO 8601) or RSS (RFC 822) date -> aware datetime (UTC
    when it names no zone); None when it is not one."""
    if not value:
        return None
    value = value.strip()
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def parse_since(value: Any) -> dt.datetime | None:
    """``--since`` value -> aware datetime (midnight UTC for a bare date)."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise NewsarchiveError(
                f"bad --since date {value!r} (expected YYYY-MM-DD or ISO 8601)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
