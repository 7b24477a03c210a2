"""``newsarchive fixtures build``: the committed fixture sites and their gold data.

The gold record of an article is derived from the corpus (what was authored: paragraphs,
prefix, byline, images, dates), never from running an extractor. URL lists come from
walking the link graph the rendered pages really contain (``policy``).

Writing is all-or-nothing: the fixture is built in a sibling temporary folder and swapped
in, so an interrupted build never leaves half a fixture; existing gold is replaced only
with ``update=True``.
"""

from __future__ import annotations

import json
import re
import shutil
import unicodedata
from collections.abc import Callable, Collection, Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.errors import NewsarchiveError
from crawler.sitegen import markup
from crawler.sitegen.model import Post, Site, iso, parse_local
from crawler.sitegen.policy import CrawlPolicy
from crawler.sitegen.render import BuiltSite, render_site
from crawler.sitegen.themes import COMMENT_NOTES, COOKIES_TEXT, KontumTheme

COVER_TAGS = (
    "image-alt-caption", "source-prefix", "byline", "visible-date", "meta-date",
    "relative-date", "video", "multipage", "nfd", "windows-1258", "amp", "link-404",
    "external-link", "redirect", "comments-list", "robots-disallowed",
)

# Strings of every themed page (comment form, common chrome); themes add their own.
BOILERPLATE_COMMON = (
    "Trả lời",
    COMMENT_NOTES[0],
    COMMENT_NOTES[1],
    COOKIES_TEXT,
    "Bình luận *",
    "Tên *",
    "Email *",
    "Trang web",
    "Tin nóng",
    "Tin mới",
    "Xem nhiều",
    "Bài trước",
    "Trang chủ",
)


def boilerplate(theme: KontumTheme) -> list[str]:
    return list(BOILERPLATE_COMMON) + [b for b in theme.boilerplate()
                                       if b not in BOILERPLATE_COMMON]


WORD = re.compile(r"\w+")


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def article_text(post: Post) -> str:
    return nfc("\n".join(markup.to_text(p) for p in post.paras))


def body_order(post: Post) -> list[Any]:
    n = len(post.paras)
    return sorted(post.images, key=lambda img: min(img.after, n))


def covers(site: Site, built: BuiltSite, post: Post) -> list[str]:
    policy = CrawlPolicy(site.origin, built.robots_txt)
    tags: set[str] = set(post.extra_covers)
    if any(img.alt and img.caption for img in post.images):
        tags.add("image-alt-caption")
    if post.prefix:
        tags.add("source-prefix")
    if post.byline:
        tags.add("byline")
    if post.meta:
        tags.add("meta-date")
    elif post.show_date:
        tags.add("visible-date")
    if post.relative_date:
        tags.add("relative-date")
    if post.video:
        tags.add("video")
    if post.split:
        tags.add("multipage")
    if post.nfd:
        tags.add("nfd")
    if post.encoding == "cp1258":
        tags.add("windows-1258")
    if post.amp:
        tags.add("amp")
    if post.comments:
        tags.add("comments-list")
    theme = KontumTheme(site, [], [])
    for para in post.paras:
        for target in markup.links(para):
            url = site.url(theme.resolve(target))
            parts = urlsplit(url)
            if parts.netloc != urlsplit(site.origin).netloc:
                tags.add("external-link")
                continue
            if not policy.robots.can_fetch(url, "newsarchive"):
                tags.add("robots-disallowed")
                continue
            what, _ = built.resolve(url)
            if what == "redirect":
                tags.add("redirect")
            elif what == "404":
                tags.add("link-404")
    return [t for t in COVER_TAGS if t in tags] + sorted(tags - set(COVER_TAGS))


def gold_article(site: Site, built: BuiltSite, post: Post,
                 theme_cls: type[KontumTheme]) -> dict[str, Any]:
    """The expected record (Article fields) + forbidden strings + covered hard cases."""
    text = article_text(post)
    author = site.users[post.author]
    if post.byline:
        names = list(post.byline_names or post.byline.split(" – "))
    else:
        names = [author.name]
    if post.meta or (post.show_date and (post.date_style == "full"
                                         or theme_cls.machine_date_in_header)):
        published: str | None = iso(post.moment)
    elif post.show_date or site.permalink == "date":
        published = f"{post.moment:%Y-%m-%d}"  # a day and no time: bare date
    else:
        raise ValueError(f"{post.slug}: no date anywhere on the page")
    modified = None
    if post.meta:
        modified = iso(parse_local(post.modified)) if post.modified else iso(post.moment)
    expected = {
        "url": site.url(site.post_path(post)),
        "canonical_url": site.url(site.post_path(post)),
        "title": nfc(post.title),
        "text": text,
        "language": "vi",
        "site_name": site.name,
        "authors": [nfc(n) for n in names],
        "byline": nfc(post.byline) if post.byline else None,
        "date_published": published,
        "date_modified": modified,
        "categories": [site.categories[k].name for k in post.cats],
        "tags": [nfc(t) for t in post.tags],
        "source_prefix": post.prefix,
        "images": [{"url": site.url(img.path), "caption": img.caption, "alt": img.alt}
                   for img in body_order(post)],
        "video_urls": ([post.video if post.video.startswith("https://")
                        else site.url(site.upload(post.video))] if post.video else []),
        "page_count": 2 if post.split else 1,
        "word_count": len(WORD.findall(text)),
    }
    forbidden: list[str] = []
    for value in ([post.prefix, post.byline]
                  + [img.caption for img in post.images] + [img.alt for img in post.images]
                  + [c.text for c in post.comments]
                  + [p.title for p in site.related(post)]):
        if value and value not in forbidden:
            forbidden.append(nfc(value))
    return {"expected": expected, "forbidden": forbidden, "covers": covers(site, built, post)}


def check_gold(site: Site, golds: dict[str, dict[str, Any]], chrome: list[str]) -> None:
    """Refuse to write gold that contradicts itself (a corpus mistake, not a user error)."""
    for slug, gold in golds.items():
        exp = gold["expected"]
        for s in gold["forbidden"] + chrome:
            if s in exp["text"]:
                raise ValueError(f"{slug}: forbidden/boilerplate string {s!r} is in the text")
        post = site.by_slug[slug]
        if post.byline and site.users[post.author].name not in exp["authors"]:
            raise ValueError(f"{slug}: the WordPress author must be one of the byline names")


def dump_json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def fixture_files(site: Site, built: BuiltSite, theme_cls: type[KontumTheme], *,
                  last_modified: str) -> dict[str, bytes]:
    """Every file of fixtures/<site>/ (relative path -> bytes)."""
    crawl = built.crawl()
    files: dict[str, bytes] = {f"site/{k}": v for k, v in sorted(built.files.items())}
    redirects = dict(sorted(built.redirects.items()))
    routes = {
        "origin": site.origin,
        "redirects": {k: [v[0], v[1]] for k, v in redirects.items()},
        "headers": dict(sorted(built.headers.items())),
        "not_found": "404.html",
        "last_modified": last_modified,
    }
    files["routes.json"] = dump_json(routes)
    golds = {p.slug: gold_article(site, built, p, theme_cls) for p in site.posts}
    chrome = boilerplate(theme_cls(site, [], []))
    check_gold(site, golds, chrome)
    for slug, gold in sorted(golds.items()):
        files[f"gold/articles/{slug}.json"] = dump_json(gold)
    files["gold/boilerplate.txt"] = ("\n".join(chrome) + "\n").encode("utf-8")
    files["gold/expected_urls.txt"] = ("\n".join(sorted(crawl.expected)) + "\n").encode()
    files["gold/forbidden_urls.txt"] = ("\n".join(sorted(crawl.forbidden)) + "\n").encode()
    return files


def write_tree(dest: Path, files: dict[str, bytes], *, update: bool) -> None:
    """Write ``files`` as the folder ``dest``, all or nothing."""
    if (dest / "gold").exists() and not update:
        raise NewsarchiveError(f"{dest}/gold exists; pass --update to regenerate the fixture")
    if dest.exists() and not dest.is_dir():
        raise NewsarchiveError(f"{dest} exists and is not a folder")
    tmp = dest.with_name(dest.name + ".building")
    old = dest.with_name(dest.name + ".old")
    for stale in (tmp, old):
        if stale.exists():
            shutil.rmtree(stale)
    for rel, data in files.items():
        path = tmp / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if dest.exists():
        dest.rename(old)
    tmp.rename(dest)
    if old.exists():
        shutil.rmtree(old)


def fixture_sites() -> dict[str, tuple[Callable[[], Site], type[KontumTheme]]]:
    """The committed fixture sites: name -> (model factory, theme)."""
    from crawler.sitegen.corpus import kontum_site
    from crawler.sitegen.corpus_tintaynguyen import tintaynguyen_site
    from crawler.sitegen.themes import NewspaperTheme

    return {"kontumtv": (kontum_site, KontumTheme),
            "tintaynguyen": (tintaynguyen_site, NewspaperTheme)}


def _check_names(names: Iterable[str], known: Collection[str]) -> None:
    for name in names:
        if name not in known:
            raise NewsarchiveError(
                f"unknown fixture site {name!r}; valid: {', '.join(sorted(known))}")


def build_fixture(name: str) -> dict[str, bytes]:
    """All files of one committed fixture site, in memory."""
    sites = fixture_sites()
    _check_names([name], sites)
    make_site, theme = sites[name]
    site = make_site()
    built = render_site(site, theme)
    built.redirects.update(site.redirects)
    return fixture_files(site, built, theme, last_modified="2025-12-01T00:00:00Z")


def build_all(out: Path, *, update: bool, names: list[str] | None = None) -> list[Path]:
    """Write the named fixture sites (default: all) under ``out``; every name is checked
    before anything is written."""
    names = names or list(fixture_sites())
    _check_names(names, fixture_sites())
    written = []
    for name in names:
        files = build_fixture(name)
        dest = out / name
        write_tree(dest, files, update=update)
        written.append(dest)
    return written
