"""Render a whole (small) site model into files, routes and a recorded link graph.

``render_site`` is used for the committed fixture sites; the synthetic generator streams
pages with the same theme and XML helpers instead (see ``generate``).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from crawler.sitegen import assets
from crawler.sitegen.links import Links
from crawler.sitegen.model import Post, Site, iso, rfc822
from crawler.sitegen.policy import CrawlPolicy, CrawlResult, expected_crawl
from crawler.sitegen.themes import KontumTheme, excerpt

RSS = "application/rss+xml; charset=UTF-8"
TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in windows-1258 the way legacy editors did.

    cp1258 has the base letters (â, ê, ô, ơ, ư, ă, đ) and five combining tone marks but
    few precomposed toned letters, so a letter that has no code is written as its base
    letter followed by the tone mark (Python's codec does not decompose by itself).
    """
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        parts = unicodedata.normalize("NFD", ch)
        tones = [c for c in parts if c in TONE_MARKS]
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONE_MARKS))
        out += base.encode("cp1258") + "".join(tones).encode("cp1258")
    return bytes(out)


def file_for(path: str) -> str:
    """URL path -> file under site/ (directories hold index.html, feeds index.xml)."""
    rel = path.lstrip("/")
    if not rel:
        return "index.html"
    if rel.endswith("/"):
        return rel + ("index.xml" if rel.endswith("feed/") else "index.html")
    return rel


@dataclass
class BuiltSite:
    origin: str
    files: dict[str, bytes] = field(default_factory=dict)          # site/-relative path
    links: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # URL path
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    redirects: dict[str, tuple[str, int]] = field(default_factory=dict)
    robots_txt: str = ""

    def add(self, path: str, body: bytes, links: Links | None = None,
            content_type: str | None = None) -> None:
        rel = file_for(path)
        if rel in self.files:
            raise ValueError(f"two resources at {path}")
        self.files[rel] = body
        if links is not None:
            self.links[path] = links.out
        if content_type:
            self.headers[path] = {"Content-Type": content_type}

    def resolve(self, url: str) -> tuple[str, object]:
        parts = urlsplit(url)
        path = parts.path or "/"
        key = path + (f"?{parts.query}" if parts.query else "")
        for k in (key, path):
            if k in self.redirects:
                return "redirect", self.origin + self.redirects[k][0]
        if path in self.links:
            return "page", self.links[path]
        if file_for(path) in self.files:
            return "file", None
        if not path.endswith("/") and file_for(path + "/") in self.files:
            return "redirect", self.origin + path + "/"
        return "404", None

    def crawl(self) -> CrawlResult:
        policy = CrawlPolicy(self.origin, self.robots_txt)
        roots = [self.origin + "/robots.txt"]
        roots += [line.split(":", 1)[1].strip() for line in self.robots_txt.splitlines()
                  if line.lower().startswith("sitemap:")]
        roots += [self.origin + "/wp-sitemap.xml", self.origin + "/feed/", self.origin + "/"]
        result = expected_crawl(self.origin, policy, roots, self.resolve)
        for path in ("/wp-admin/",):
            url = self.origin + path
            if url not in result.forbidden:
                result.forbidden.append(url)
        return result


# --- XML documents (theme independent) ---------------------------------------------------


def robots_txt(site: Site) -> str:
    lines = ["User-agent: *", "Disallow: /wp-admin/", "Allow: /wp-admin/admin-ajax.php"]
    lines += [f"Disallow: {p}" for p in site.disallowed]
    lines += ["", f"Sitemap: {site.origin}/wp-sitemap.xml", ""]
    return "\n".join(lines)


def sitemap_index(site: Site, names: Sequence[str]) -> tuple[str, Links]:
    L = Links(site.origin)
    items = "".join(f"<sitemap><loc>{L('/' + n, 'sitemap')}</loc></sitemap>" for n in names)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{items}</sitemapindex>\n"), L


def urlset(site: Site, entries: Iterable[tuple[str, str | None]]) -> tuple[str, Links]:
    L = Links(site.origin)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n'
           '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for path, lastmod in entries:
        mod = f"<lastmod>{lastmod}</lastmod>" if lastmod else ""
        out.append(f"<url><loc>{L(path, 'loc')}</loc>{mod}</url>")
    out.append("</urlset>\n")
    return "".join(out), L


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss(site: Site, *, feed_path: str, title: str, link_path: str,
        posts: Sequence[Post]) -> tuple[str, Links]:
    L = Links(site.origin)
    build = rfc822(posts[0].moment) if posts else rfc822(site.today)
    items = []
    for p in posts:
        url = L(site.post_path(p), "loc")
        cats = "".join(f"<category>{_cdata(site.categories[k].name)}</category>" for k in p.cats)
        items.append(
            "\t<item>\n"
            f"\t\t<title>{escape(p.title)}</title>\n"
            f"\t\t<link>{url}</link>\n"
            f"\t\t<comments>{L(site.post_path(p) + '#respond', 'loc')}</comments>\n"
            f"\t\t<dc:creator>{_cdata(site.users[p.author].name)}</dc:creator>\n"
            f"\t\t<pubDate>{rfc822(p.moment)}</pubDate>\n"
            f"\t\t{cats}\n"
            f"\t\t<guid>{url}</guid>\n"
            f"\t\t<description>{_cdata(excerpt(p, 40))}</description>\n"
            f"\t\t<wfw:commentRss>{L(site.post_path(p) + 'feed/', 'commentfeed')}"
            "</wfw:commentRss>\n"
            f"\t\t<slash:comments>{len(p.comments)}</slash:comments>\n"
            "\t</item>\n")
    L.url(link_path, "a")
    channel_link = site.origin + (link_path if link_path != "/" else "")
    doc = ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
           '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
           '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
           '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
           '\txmlns:atom="http://www.w3.org/2005/Atom"\n'
           '\txmlns:sy="http://purl.org/rss/1.0/modules/syndication/"\n'
           '\txmlns:slash="http://purl.org/rss/1.0/modules/slash/"\n\t>\n\n<channel>\n'
           f"\t<title>{escape(title)}</title>\n"
           f'\t<atom:link href="{L(feed_path, "feed")}" rel="self" '
           'type="application/rss+xml" />\n'
           f"\t<link>{channel_link}</link>\n"
           f"\t<description>{escape(site.tagline)}</description>\n"
           f"\t<lastBuildDate>{build}</lastBuildDate>\n"
           "\t<language>vi</language>\n"
           "\t<sy:updatePeriod>\n\thourly\t</sy:updatePeriod>\n"
           "\t<sy:updateFrequency>\n\t1\t</sy:updateFrequency>\n"
           "\t<generator>https://wordpress.org/?v=6.4.3</generator>\n"
           + "".join(items) + "\t</channel>\n</rss>\n")
    return doc, L


# --- the whole site ------------------------------------------------------------------------


def render_site(site: Site, theme_cls: type[KontumTheme] = KontumTheme) -> BuiltSite:
    """Render every resource of a finalized site model."""
    posts = site.posts
    theme = theme_cls(site, posts[:6], site.most_viewed())
    built = BuiltSite(site.origin)
    per = site.per_page

    def listing(base: str, heading: str, items: Sequence[Post], body_class: str,
                feed: str | None = None, featured: bool = False) -> None:
        pages = site.page_count(len(items))
        for n in range(1, pages + 1):
            chunk = items[(n - 1) * per:n * per]
            doc, L = theme.listing(base=base, title=heading, heading=heading, posts=chunk,
                                   page_no=n, pages=pages, body_class=body_class, feed=feed,
                                   featured=featured and n == 1)
            built.add(theme.paged(base, n), doc.encode("utf-8"), L)

    # Home and archives.
    doc, L = theme.listing(base="/", title=site.tagline, heading="Tin mới nhất",
                           posts=posts[:per], page_no=1, pages=site.page_count(len(posts)),
                           body_class="home blog", featured=True)
    built.add("/", doc.encode("utf-8"), L)
    for n in range(2, site.page_count(len(posts)) + 1):
        doc, L = theme.listing(base="/", title=site.tagline, heading="Tin mới nhất",
                               posts=posts[(n - 1) * per:n * per], page_no=n,
                               pages=site.page_count(len(posts)), body_class="home blog")
        built.add(f"/page/{n}/", doc.encode("utf-8"), L)
    for cat in site.categories.values():
        items = site.posts_in(cat.key)
        feed = cat.path + "feed/"
        listing(cat.path, cat.name, items,
                f"archive category category-{cat.slug} category-{cat.id}", feed=feed)
        doc, L = rss(site, feed_path=feed, title=f"{cat.name} – {site.name}",
                     link_path=cat.path, posts=items[:10])
        built.add(feed, doc.encode("utf-8"), L, RSS)
    for tag in site.tags.values():
        listing(tag.path, tag.name, site.posts_tagged(tag.name),
                f"archive tag tag-{tag.slug} tag-{tag.id}")
    for user in site.users.values():
        items = site.posts_by(user.slug)
        if items:
            listing(user.path, user.name, items,
                    f"archive author author-{user.slug} author-{user.id}")

    # Posts.
    for post in posts:
        older, newer = site.neighbours(post)
        related = site.related(post)
        for page_no in ((1, 2) if post.split else (1,)):
            doc, L = theme.single(post, page_no, related=related, older=older, newer=newer)
            if post.encoding == "cp1258":
                body = encode_cp1258(doc)
                built.add(site.post_path(post, page_no), body, L,
                          "text/html; charset=windows-1258")
            else:
                if post.nfd:
                    doc = unicodedata.normalize("NFD", doc)
                built.add(site.post_path(post, page_no), doc.encode("utf-8"), L)
        if post.amp:
            doc, L = theme.amp(post)
            built.add(site.amp_path(post), doc.encode("utf-8"), L)
        for img in post.images:
            built.add(img.path, assets.jpeg(img.file, 1))
        built.add(site.upload(site.thumb_file(post)), assets.jpeg(site.thumb_file(post)))

    # Static pages, 404, player.
    for page in site.pages:
        doc, L = theme.static_page(page)
        built.add(page.path, doc.encode("utf-8"), L)
    doc, L = theme.not_found()
    built.files["404.html"] = doc.encode("utf-8")
    if any(p.video and not p.video.startswith("https://") for p in posts):
        doc, L = theme.player()
        built.add("/player/", doc.encode("utf-8"), L)

    # Assets.
    base = theme.asset_base
    built.add(base + "/style.css", assets.STYLE_CSS.format(name=theme.name).encode())
    built.add(base + "/js/main.js", assets.MAIN_JS.format(name=theme.name).encode())
    built.add("/wp-includes/js/jquery/jquery.min.js", assets.JQUERY_JS.format().encode())
    built.add(base + "/images/logo.png", assets.png(42, 9, (11, 74, 139)))
    if theme.name == "kontumtv":
        built.add("/wp-content/uploads/2020/01/banner-dvc.jpg", assets.jpeg("banner-dvc"))
        built.add("/wp-content/uploads/2020/01/banner-bcp.jpg", assets.jpeg("banner-bcp"))

    # Discovery: robots, sitemaps, feed.
    built.robots_txt = robots_txt(site)
    built.add("/robots.txt", built.robots_txt.encode("utf-8"), None)
    built.links["/robots.txt"] = [(line.split(":", 1)[1].strip(), "sitemap")
                                  for line in built.robots_txt.splitlines()
                                  if line.startswith("Sitemap:")]
    maps = {
        "wp-sitemap-posts-post-1.xml": [(site.post_path(p), iso(p.moment)) for p in posts],
        "wp-sitemap-posts-page-1.xml": [(p.path, None) for p in site.pages],
        "wp-sitemap-taxonomies-category-1.xml": [(c.path, None)
                                                 for c in site.categories.values()],
        "wp-sitemap-taxonomies-post_tag-1.xml": [(t.path, None) for t in site.tags.values()],
        "wp-sitemap-users-1.xml": [(u.path, None) for u in site.users.values()
                                   if site.posts_by(u.slug)],
    }
    doc, L = sitemap_index(site, list(maps))
    built.add("/wp-sitemap.xml", doc.encode("utf-8"), L)
    for name, entries in maps.items():
        doc, L = urlset(site, entries)
        built.add("/" + name, doc.encode("utf-8"), L)
    doc, L = rss(site, feed_path="/feed/", title=site.name, link_path="/", posts=posts[:10])
    built.add("/feed/", doc.encode("utf-8"), L, RSS)
    return built
