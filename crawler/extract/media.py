"""Media of a post: images (with captions and alt text), video addresses, caption lines.

Owns which ``<img>`` is a post image (lazy-loading attributes, the largest ``srcset``
candidate, no emoji or tracking pixels), its caption (``<figcaption>``, WordPress
``wp-caption-text``...), which embeds are videos, and the page's caption texts that
:func:`crawler.extract.boilerplate.clean_lines` drops from the body text.

Pure (lxml only: no trafilatura, no Scrapy); no settings are read.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import lxml.etree
import lxml.html

from crawler.extract.html import ClassIndex, absolute_url, class_pred, visible
from crawler.extract.textnorm import clean_line, fold
from crawler.items import Image

__all__ = ["caption_texts", "images", "post_media", "video_urls"]


def _largest_srcset(srcset: str) -> str | None:
    """The URL of the widest ``srcset`` candidate (the first when none has a width)."""
    best, best_size = None, -1.0
    for candidate in srcset.split(","):
        parts = candidate.split()
        if not parts:
            continue
        size = 0.0
        if len(parts) > 1 and parts[1][:-1].replace(".", "", 1).isdigit():
            size = float(parts[1][:-1])
        if size > best_size:
            best, best_size = parts[0], size
    return best


def _caption_for(img: lxml.html.HtmlElement) -> str | None:
    """The image's caption: its figure's ``<figcaption>``, a WordPress caption block's
    text, or a following ``*caption*`` sibling of its parent."""
    for ancestor in img.iterancestors():
        if ancestor.tag == "figure":
            cap = ancestor.find(".//figcaption")
            if cap is not None and visible(cap):
                return visible(cap)
        if ancestor.tag == "body":
            break
        if ancestor.tag == "figure" or "wp-caption" in (ancestor.get("class") or "").split():
            caps = ancestor.xpath(".//*[" + class_pred(
                "wp-caption-text", "wp-element-caption", "gallery-caption", "image-caption")
                + "]")
            if caps and visible(caps[0]):
                return visible(caps[0])
            break
    sibling = img.getparent().getnext() if img.getparent() is not None else None
    if sibling is not None and sibling.get("class") and "caption" in sibling.get("class"):
        return visible(sibling) or None
    return None


def images(root: lxml.html.HtmlElement, base: str) -> list[Image]:
    """Images under ``root`` in document order, deduplicated, with caption and alt."""
    out: list[Image] = []
    seen: set[str] = set()
    for img in root.iter("img"):
        classes = (img.get("class") or "").split()
        if "wp-smiley" in classes or "emoji" in classes:
            continue
        if img.get("width") == "1" or img.get("height") == "1":
            continue
        src = None
        for attr in ("data-src", "data-lazy-src", "data-original", "src"):
            value = img.get(attr)
            if value and not value.strip().startswith("data:"):
                src = value
                break
        if not src:
            srcset = img.get("data-srcset") or img.get("srcset")
            src = _largest_srcset(srcset) if srcset else None
        absolute = absolute_url(src, base)
        if not absolute or absolute in seen or "/emoji/" in absolute:
            continue
        seen.add(absolute)
        alt = clean_line(img.get("alt") or "") or None
        out.append(Image(url=absolute, caption=_caption_for(img), alt=alt))
    return out


_VIDEO_SRC_RE = re.compile(
    r"youtube|youtu\.be|vimeo|dailymotion|facebook\.com/plugins/video|video|player|"
    r"\.mp4|\.m3u8|\.webm|[?&]l=", re.I)


def video_urls(root: lxml.html.HtmlElement, base: str) -> list[str]:
    """Video addresses under ``root``: ``<video>`` sources, video embeds (an ``l=``
    parameter holding the file is followed), WordPress video shortcode links."""
    out: list[str] = []
    for el in root.iter("iframe", "video", "source", "embed"):
        src = el.get("src") or el.get("data-src") or el.get("data-lazy-src")
        if el.tag == "source" and el.getparent() is not None \
                and el.getparent().tag not in ("video",):
            continue
        absolute = absolute_url(src, base)
        if not absolute:
            continue
        if el.tag in ("iframe", "embed") and not _VIDEO_SRC_RE.search(absolute):
            continue
        query = parse_qs(urlsplit(absolute).query)
        if query.get("l"):
            inner = absolute_url(query["l"][0], absolute)
            if inner:
                absolute = inner
        if absolute not in out:
            out.append(absolute)
    for a in root.xpath(".//*[" + class_pred("wp-video", "wp-video-shortcode") + "]//a[@href]"):
        absolute = absolute_url(a.get("href"), base)
        if absolute and absolute not in out:
            out.append(absolute)
    return out


_CAPTION_CLASSES = frozenset(("wp-caption-text", "wp-element-caption", "gallery-caption",
                              "image-caption", "caption-text"))


def caption_texts(tree: lxml.html.HtmlElement, index: ClassIndex | None = None) -> set[str]:
    """Folded caption texts of the whole page (never body text): ``<figcaption>``s and
    elements of a caption class (``index``: the page's, built here when not given).

    Alt text needs no such filter: trafilatura never outputs it with
    ``include_images=False`` (a line equal to an alt text is a real paragraph).

    Captions are dropped from the extracted lines rather than pruned from the tree:
    removing them beforehand changes which block trafilatura picks as the main
    content on some pages (measured on trafilatura-eval).
    """
    out = set()
    for item in (*tree.iter("figcaption"), *(index or ClassIndex(tree)).find(_CAPTION_CLASSES)):
        folded = fold(" ".join(item.itertext()))
        if folded:
            out.add(folded)
    return out


def post_media(tree: lxml.html.HtmlElement, container: lxml.html.HtmlElement | None,
               url: str) -> tuple[list[Image], list[str]]:
    """(images, video URLs) of the post content container, else of the first
    ``<article>``, else none (a page's other images are not the post's)."""
    root = container if container is not None else (
        tree.find(".//article") if tree.find(".//article") is not None else None)
    if root is None:
        return [], []
    return images(root, url), video_urls(root, url)
