"""``newsarchive fixtures generate``: large synthetic WordPress sites for benchmarks.

The site has the layout of the committed fixtures (``site/``, ``routes.json``, ``gold/``)
and the same themes; its posts recombine the hand-written corpus (titles, paragraphs,
tags, authors) under a seeded ``random.Random``, so a seed always gives the same bytes.

Streaming: only light post metadata (tuples of references into the corpus) is kept in
memory; every page is rendered and written as soon as it is produced (2% of posts in NFD,
1% in windows-1258, as legacy pages are), and the gold URL
lists are accumulated from the links each page records. Every generated page is reachable
from the base URL (posts through the sitemaps and listings, listings through their
pagination) and nothing is robots-disallowed except /wp-admin/, so the expected crawl is
the set of fetchable URLs the pages link to, plus the discovery roots.

Gold (kept cheap): ``gold/expected_urls.txt``, ``gold/forbidden_urls.txt`` and
``gold/articles.jsonl`` (url, title, date_published, categories per post).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import unicodedata
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from crawler.errors import NewsarchiveError
from crawler.sitegen import assets, markup
from crawler.sitegen.links import Links
from crawler.sitegen.model import TZ, BodyImage, Comment, Post, Site, Tag, User, iso, slugify
from crawler.sitegen.policy import CrawlPolicy
from crawler.sitegen.render import (
    RSS,
    encode_cp1258,
    file_for,
    robots_txt,
    rss,
    sitemap_index,
    urlset,
)
from crawler.sitegen.themes import THEMES, KontumTheme

PER_PAGE = 10
SITEMAP_MAX = 2000          # WordPress core sitemaps hold at most 2,000 URLs each
PLACES = ("Đăk Hà", "Sa Thầy", "Ngọc Hồi", "Kon Plông", "Đăk Tô", "Tu Mơ Rông", "Đăk Glei",
          "Kon Rẫy", "Ia H’Drai", "thành phố Kon Tum")
READERS = ("Nguyễn Văn Hải", "Y Liên", "A Phúc", "Trần Thị Thu", "Lê Minh", "Đinh Hòa")
COMMENTS = ("Bài viết rất hữu ích, cảm ơn phóng viên.",
            "Mong chính quyền sớm quan tâm giải quyết.",
            "Quê tôi cũng đang làm mô hình này, rất hiệu quả.",
            "Đề nghị Đài tiếp tục theo dõi, phản ánh.")


class _Writer:
    """Writes files under site/ and counts them; creates folders once."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.dirs: set[str] = set()
        self.files = 0
        self.bytes = 0

    def write(self, rel: str, data: bytes) -> None:
        folder = os.path.dirname(rel)
        if folder not in self.dirs:
            os.makedirs(self.root / folder, exist_ok=True)
            self.dirs.add(folder)
        with open(self.root / rel, "wb") as fh:
            fh.write(data)
        self.files += 1
        self.bytes += len(data)


class _Crawl:
    """Accumulates the expected/forbidden URL sets from the links pages record."""

    def __init__(self, origin: str, robots: str) -> None:
        self.policy = CrawlPolicy(origin, robots)
        self.expected: set[str] = set()
        self.forbidden: set[str] = set()

    def add(self, links: Links | list[tuple[str, str]]) -> None:
        out = links.out if isinstance(links, Links) else links
        for url, kind in out:
            url = url.split("#", 1)[0]
            if url in self.expected or url in self.forbidden:
                continue
            if self.policy.classify(url, kind) == "fetch":
                self.expected.add(url)
            else:
                self.forbidden.add(url)


def _corpus_pool() -> tuple[Site, list[str], list[str], list[str]]:
    """The kontumtv model (taxonomy, users, pages) and the pools to recombine."""
    from crawler.sitegen.corpus import kontum_site
    base = kontum_site()
    paras: list[str] = []
    titles: list[str] = []
    tags: list[str] = []
    for post in sorted(base.posts, key=lambda p: p.slug):
        titles.append(post.title)
        for p in post.paras:
            if not p.startswith("## "):
                paras.append(markup.to_text(p))
        for t in post.tags:
            if t not in tags:
                tags.append(t)
    return base, titles, paras, tags


def _make_posts(base: Site, titles: list[str], paras: list[str], tag_pool: list[str],
                n: int, rng: random.Random) -> list[Post]:
    leaves = [k for k in base.categories
              if not any(c.parent == k for c in base.categories.values())]
    users = sorted(base.users)
    start = dt.datetime(2010, 1, 1, 6, 0, tzinfo=TZ)
    span = (dt.datetime(2025, 11, 30, 22, 0, tzinfo=TZ) - start).total_seconds()
    step = span / n
    posts: list[Post] = []
    for i in range(n):
        moment = start + dt.timedelta(seconds=int(i * step + rng.random() * step * 0.9))
        moment = moment.replace(second=0)
        leaf = rng.choice(leaves)
        parent = base.categories[leaf].parent
        cats = (parent, leaf) if parent else (leaf,)
        title = rng.choice(titles)
        for place in PLACES:
            if place in title:
                title = title.replace(place, rng.choice(PLACES))
                break
        slug = f"{slugify(title)[:60].rstrip('-')}-{i + 1}"
        video = None
        if parent == "video-clip":
            body = tuple(rng.sample(paras, rng.randint(1, 2)))
            video = f"{moment:%Y/%m}/{slug}.mp4"
        else:
            body = tuple(rng.sample(paras, rng.randint(3, 7)))
        author = rng.choice(users)
        byline = None
        if rng.random() < 0.3:
            other = rng.choice([u for u in users if u != author])
            byline = f"{base.users[author].name} – {base.users[other].name}"
        images: tuple[BodyImage, ...] = ()
        if rng.random() < 0.3 and not video:
            images = (BodyImage(f"{moment:%Y/%m}/{slug}-anh.jpg", f"ANH {i + 1}",
                                f"Ảnh minh họa: {title}", after=1, figure=rng.random() < 0.5),)
        comments: tuple[Comment, ...] = ()
        if rng.random() < 0.1:
            comments = tuple(
                Comment(rng.choice(READERS),
                        f"{moment + dt.timedelta(hours=k + 1):%Y-%m-%d %H:%M}",
                        rng.choice(COMMENTS), id=1000 + 3 * i + k)
                for k in range(rng.randint(1, 2)))
        posts.append(Post(
            slug=slug, title=title, cats=cats, date=f"{moment:%Y-%m-%d %H:%M}", author=author,
            tags=tuple(rng.sample(tag_pool, rng.randint(1, 2))), paras=body,
            prefix="(kontumtv.vn) –" if rng.random() < 0.4 else None, byline=byline,
            images=images, video=video, comments=comments, meta=rng.random() < 0.85,
            amp=rng.random() < 0.1, split=(2 if len(body) >= 5 and rng.random() < 0.05 else 0),
            id=100 + 3 * i, **_legacy(rng)))
    posts.reverse()  # newest first
    return posts


def _legacy(rng: random.Random) -> dict[str, Any]:
    """A few legacy pages, as on real sites: 2% saved in NFD, 1% in windows-1258."""
    roll = rng.random()
    if roll < 0.02:
        return {"nfd": True}
    if roll < 0.03:
        return {"encoding": "cp1258"}
    return {}


def generate_site(dest: Path, *, articles: int, seed: int = 1, theme: str = "kontumtv",
                  update: bool = False, progress: IO[str] | None = None) -> dict[str, Any]:
    """Write a synthetic site of ``articles`` posts into ``dest``; returns counts."""
    if theme not in THEMES:
        raise NewsarchiveError(f"unknown theme {theme!r}; valid: {', '.join(THEMES)}")
    if dest.exists():
        if not dest.is_dir():
            raise NewsarchiveError(f"{dest} exists and is not a folder")
        if any(dest.iterdir()):
            if not update:
                raise NewsarchiveError(f"{dest} is not empty; pass --update to replace it")
            if not (dest / "routes.json").exists() or not (dest / "site").is_dir():
                raise NewsarchiveError(f"{dest} does not look like a generated site; "
                                       "refusing to replace it")
            shutil.rmtree(dest)
    rng = random.Random(f"newsarchive-sitegen:{seed}")
    base, titles, paras, tag_pool = _corpus_pool()
    posts = _make_posts(base, titles, paras, tag_pool, articles, rng)

    site = Site(origin="http://kontumtv.test", name=base.name, long_name=base.long_name,
                tagline=base.tagline, today=base.today,
                users={k: User(u.slug, u.name, u.id) for k, u in base.users.items()},
                categories=base.categories, posts=[], pages=base.pages[:2], menu=base.menu,
                per_page=PER_PAGE, permalink="date" if theme == "newspaper" else "category")
    names: list[str] = []
    by_cat: dict[str, list[Post]] = defaultdict(list)
    by_tag: dict[str, list[Post]] = defaultdict(list)
    by_author: dict[str, list[Post]] = defaultdict(list)
    for post in posts:
        for key in post.cats:
            by_cat[key].append(post)
        for t in post.tags:
            if t not in by_tag:
                names.append(t)
            by_tag[t].append(post)
        by_author[post.author].append(post)
    site.tags = {t: Tag(t, 60 + i) for i, t in enumerate(sorted(names))}
    most_viewed = sorted(posts[:500], key=lambda p: (-(p.id * 7919 % 10007), p.slug))[:5]
    th: KontumTheme = THEMES[theme](site, posts[:6], most_viewed)

    out = _Writer(dest / "site")
    robots = robots_txt(site)
    crawl = _Crawl(site.origin, robots)
    headers: dict[str, dict[str, str]] = {}
    per = PER_PAGE

    def emit(path: str, doc: str | bytes, links: Links | None, ctype: str | None = None) -> None:
        out.write(file_for(path), doc.encode("utf-8") if isinstance(doc, str) else doc)
        if links is not None:
            crawl.add(links)
        if ctype:
            headers[path] = {"Content-Type": ctype}

    def listing(base_path: str, heading: str, items: Sequence[Post], body_class: str,
                feed: str | None = None, featured: bool = False) -> None:
        pages = max(1, -(-len(items) // per))
        for n in range(1, pages + 1):
            doc, L = th.listing(base=base_path, title=heading, heading=heading,
                                posts=items[(n - 1) * per:n * per], page_no=n, pages=pages,
                                body_class=body_class, feed=feed, featured=featured and n == 1)
            emit(th.paged(base_path, n), doc, L)

    # Posts, streamed: one post's pages, AMP copy and images at a time.
    position = {p.slug: i for i, p in enumerate(posts)}
    gold_lines: list[str] = []
    for i, post in enumerate(posts):
        older = posts[i + 1] if i + 1 < len(posts) else None
        newer = posts[i - 1] if i > 0 else None
        siblings = by_cat[post.cats[-1]]
        j = _index_in(siblings, post, position)
        related = [p for p in siblings[max(0, j - 2):j + 3] if p is not post][:4]
        for page_no in ((1, 2) if post.split else (1,)):
            doc, L = th.single(post, page_no, related=related, older=older, newer=newer)
            if post.encoding == "cp1258":
                emit(site.post_path(post, page_no), encode_cp1258(doc), L,
                     "text/html; charset=windows-1258")
            else:
                emit(site.post_path(post, page_no),
                     unicodedata.normalize("NFD", doc) if post.nfd else doc, L)
        if post.amp:
            doc, L = th.amp(post)
            emit(site.amp_path(post), doc, L)
        for img in post.images:
            emit(img.path, assets.jpeg(img.file, 1), None)
        emit(site.upload(site.thumb_file(post)), assets.jpeg(site.thumb_file(post)), None)
        gold_lines.append(json.dumps({
            "url": site.url(site.post_path(post)),
            "title": post.title,
            "date_published": iso(post.moment) if post.meta or th.machine_date_in_header
            or post.date_style == "full" else f"{post.moment:%Y-%m-%d}",
            "categories": [site.categories[k].name for k in post.cats],
        }, ensure_ascii=False))
        if progress is not None and (i + 1) % 1000 == 0:
            progress.write(f"\r{i + 1}/{len(posts)} posts")
            progress.flush()
    if progress is not None:
        progress.write("\n")

    # Listings and feeds.
    listing("/", site.tagline, posts, "home blog", featured=True)
    for cat in site.categories.values():
        items = by_cat.get(cat.key, [])
        feed = cat.path + "feed/"
        listing(cat.path, cat.name, items,
                f"archive category category-{cat.slug} category-{cat.id}", feed=feed)
        doc, L = rss(site, feed_path=feed, title=f"{cat.name} – {site.name}",
                     link_path=cat.path, posts=items[:10])
        emit(feed, doc, L, RSS)
    for tag in site.tags.values():
        listing(tag.path, tag.name, by_tag[tag.name], f"archive tag tag-{tag.slug} tag-{tag.id}")
    for user in site.users.values():
        if by_author.get(user.slug):
            listing(user.path, user.name, by_author[user.slug],
                    f"archive author author-{user.slug} author-{user.id}")
    doc, L = rss(site, feed_path="/feed/", title=site.name, link_path="/", posts=posts[:10])
    emit("/feed/", doc, L, RSS)

    # Static pages, 404, player, assets.
    for page in site.pages:
        doc, L = th.static_page(page)
        emit(page.path, doc, L)
    doc, _ = th.not_found()
    out.write("404.html", doc.encode("utf-8"))
    if any(p.video for p in posts):
        doc, L = th.player()
        emit("/player/", doc, L)
    ab = th.asset_base
    emit(ab + "/style.css", assets.STYLE_CSS.format(name=th.name).encode(), None)
    emit(ab + "/js/main.js", assets.MAIN_JS.format(name=th.name).encode(), None)
    emit("/wp-includes/js/jquery/jquery.min.js", assets.JQUERY_JS.format().encode(), None)
    emit(ab + "/images/logo.png", assets.png(42, 9, (11, 74, 139)), None)
    if th.name == "kontumtv":
        emit("/wp-content/uploads/2020/01/banner-dvc.jpg", assets.jpeg("banner-dvc"), None)
        emit("/wp-content/uploads/2020/01/banner-bcp.jpg", assets.jpeg("banner-bcp"), None)

    # Discovery: robots.txt, sitemaps (split at 2,000 URLs like WordPress core).
    emit("/robots.txt", robots.encode("utf-8"), None)
    crawl.add([(f"{site.origin}/wp-sitemap.xml", "sitemap")])
    groups = {
        "posts-post": [(site.post_path(p), iso(p.moment)) for p in posts],
        "posts-page": [(p.path, None) for p in site.pages],
        "taxonomies-category": [(c.path, None) for c in site.categories.values()],
        "taxonomies-post_tag": [(t.path, None) for t in site.tags.values()],
        "users": [(u.path, None) for u in site.users.values() if by_author.get(u.slug)],
    }
    maps: list[str] = []
    for group, entries in groups.items():
        for k in range(0, max(1, len(entries)), SITEMAP_MAX):
            name = f"wp-sitemap-{group}-{k // SITEMAP_MAX + 1}.xml"
            doc, L = urlset(site, entries[k:k + SITEMAP_MAX])
            emit("/" + name, doc, L)
            maps.append(name)
    doc, L = sitemap_index(site, maps)
    emit("/wp-sitemap.xml", doc, L)

    # routes.json and gold.
    for root in ("/robots.txt", "/wp-sitemap.xml", "/feed/", "/"):
        crawl.expected.add(site.origin + root)
    crawl.forbidden.add(site.origin + "/wp-admin/")
    routes = {"origin": site.origin, "redirects": {}, "headers": dict(sorted(headers.items())),
              "not_found": "404.html", "last_modified": "2025-12-01T00:00:00Z"}
    (dest / "routes.json").write_text(json.dumps(routes, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
    gold = dest / "gold"
    gold.mkdir(parents=True, exist_ok=True)
    (gold / "expected_urls.txt").write_text("\n".join(sorted(crawl.expected)) + "\n",
                                            encoding="utf-8")
    (gold / "forbidden_urls.txt").write_text("\n".join(sorted(crawl.forbidden)) + "\n",
                                             encoding="utf-8")
    (gold / "articles.jsonl").write_text("\n".join(gold_lines) + "\n", encoding="utf-8")
    return {"articles": len(posts), "files": out.files, "bytes": out.bytes,
            "expected_urls": len(crawl.expected), "forbidden_urls": len(crawl.forbidden)}


def _index_in(items: list[Post], post: Post, position: dict[str, int]) -> int:
    """Index of ``post`` in a newest-first sublist of the posts (binary search on age)."""
    target = position[post.slug]
    lo, hi = 0, len(items)
    while lo < hi:
        mid = (lo + hi) // 2
        if position[items[mid].slug] < target:
            lo = mid + 1
        else:
            hi = mid
    return lo
