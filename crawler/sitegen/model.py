"""The site model of a fixture WordPress site: what exists, and at which URL.

Everything is plain data built from the corpus (hand-written) or from the synthetic
generator; themes render it, ``policy`` walks the links it emits, ``build`` writes it.
URLs are paths ('/thoi-su/slug/') inside the model and become full URLs with the
placeholder origin only in gold files and page bodies.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import unicodedata
from dataclasses import dataclass, field

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
TZ = dt.timezone(dt.timedelta(hours=7))  # Asia/Ho_Chi_Minh, no DST


def slugify(text: str) -> str:
    """Vietnamese title -> WordPress-style ASCII slug ('Măng Đen' -> 'mang-den')."""
    text = text.replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    out: list[str] = []
    dash = False
    for c in text:
        if c.isascii() and c.isalnum():
            out.append(c)
            dash = False
        elif not dash and out:
            out.append("-")
            dash = True
    return "".join(out).strip("-")


def parse_local(value: str) -> dt.datetime:
    """'2017-09-21 16:30' -> aware datetime in +07:00 (sliced: strptime is slow in bulk)."""
    if len(value) != 16 or value[4] != "-" or value[7] != "-" or value[13] != ":":
        raise ValueError(f"not 'YYYY-MM-DD HH:MM': {value!r}")
    return dt.datetime(int(value[:4]), int(value[5:7]), int(value[8:10]), int(value[11:13]),
                       int(value[14:16]), tzinfo=TZ)


def iso(moment: dt.datetime) -> str:
    """ISO 8601 with offset, seconds included: '2017-09-21T16:30:00+07:00'."""
    return moment.isoformat(timespec="seconds")


def visible_date(moment: dt.datetime) -> str:
    """kontumtv.vn's visible date: 'Thứ Năm, 21/09/2017 - 16:30'."""
    return f"{WEEKDAYS_VI[moment.weekday()]}, {moment:%d/%m/%Y - %H:%M}"


def rfc822(moment: dt.datetime) -> str:
    """RSS pubDate in UTC: 'Thu, 21 Sep 2017 09:30:00 +0000' (locale independent)."""
    utc = moment.astimezone(dt.UTC)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    return (f"{days[utc.weekday()]}, {utc.day:02d} {months[utc.month - 1]} {utc.year} "
            f"{utc:%H:%M:%S} +0000")


def stable_int(text: str) -> int:
    """A deterministic pseudo-random integer from a string (stands in for view counts)."""
    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:4], "big")


@dataclass
class User:
    slug: str
    name: str
    id: int = 0

    @property
    def path(self) -> str:
        return f"/author/{self.slug}/"


@dataclass
class Category:
    slug: str                 # own slug ('thoi-su')
    name: str
    parent: str | None = None  # parent's key
    id: int = 0

    @property
    def key(self) -> str:
        """Full slug path ('video-clip/thoi-su'), unique in the site."""
        return f"{self.parent}/{self.slug}" if self.parent else self.slug

    @property
    def path(self) -> str:
        return f"/category/{self.key}/"


@dataclass
class Tag:
    name: str
    id: int = 0

    @property
    def slug(self) -> str:
        return slugify(self.name)

    @property
    def path(self) -> str:
        return f"/tag/{self.slug}/"


@dataclass(frozen=True)
class BodyImage:
    """An image in the post body: uploads file (YYYY/MM/name.jpg), alt, optional caption."""

    file: str
    alt: str
    caption: str | None = None
    after: int = 0            # inserted after this body paragraph (0 = before the first)
    figure: bool = False      # HTML5 <figure>/<figcaption> instead of div.wp-caption

    @property
    def path(self) -> str:
        return f"/wp-content/uploads/{self.file}"


@dataclass(frozen=True)
class Comment:
    author: str
    date: str                 # 'YYYY-MM-DD HH:MM'
    text: str
    id: int = 0


@dataclass
class Post:
    """A WordPress post. ``paras`` hold corpus markup (see ``markup``)."""

    slug: str
    title: str
    cats: tuple[str, ...]     # category keys, first = primary (permalink)
    date: str                 # 'YYYY-MM-DD HH:MM', local time
    author: str               # user slug
    tags: tuple[str, ...]
    paras: tuple[str, ...]
    prefix: str | None = None          # source prefix opening the first paragraph
    byline: str | None = None          # signature line at the end
    byline_names: tuple[str, ...] = ()  # names in the byline (default: split on ' – ')
    images: tuple[BodyImage, ...] = ()
    video: str | None = None           # uploads file of the MP4 (video post)
    comments: tuple[Comment, ...] = ()
    meta: bool = True                  # og:/article: meta + JSON-LD in <head>
    show_date: bool = True             # visible date in the post header
    date_style: str = "full"           # 'full' ('Thứ Năm, 21/09/2017 - 16:30') or 'day'
    modified: str | None = None        # 'YYYY-MM-DD HH:MM' (meta only)
    amp: bool = False
    split: int = 0                     # >0: page 2 starts at this paragraph
    encoding: str = "utf-8"            # or 'cp1258'
    nfd: bool = False
    relative_date: bool = False        # the lead holds a relative date ('Chiều ngày 21/9')
    id: int = 0
    extra_covers: tuple[str, ...] = ()

    @classmethod
    def spec(cls, slug: str, title: str, cats: str, date: str, author: str, tags: str,
             paras: list[str], **kw: object) -> Post:
        """A post written the corpora's short way: ``cats`` space-separated keys, ``tags``
        separated by ``;``."""
        return cls(slug=slug, title=title, cats=tuple(cats.split()), date=date, author=author,
                   tags=tuple(t.strip() for t in tags.split(";") if t.strip()),
                   paras=tuple(paras), **kw)  # type: ignore[arg-type]

    @functools.cached_property
    def moment(self) -> dt.datetime:
        return parse_local(self.date)

    @property
    def fmt(self) -> str:
        return "video" if self.video else "standard"


@dataclass
class Page:
    """A static WordPress page (Giới thiệu, Liên hệ, ...)."""

    slug: str                  # path without slashes ('gioi-thieu', 'noi-bo/lich-cong-tac')
    title: str
    paras: tuple[str, ...]
    id: int = 0

    @property
    def path(self) -> str:
        return f"/{self.slug}/"


@dataclass
class Site:
    """A whole site: identity, taxonomy, content, and derived indexes."""

    origin: str                # placeholder origin, 'http://kontumtv.test'
    name: str                  # site name (og:site_name, <title> suffix)
    long_name: str             # the station's full name (footer, logo alt)
    tagline: str
    today: dt.datetime         # the day the site pretends to be served on (header date)
    users: dict[str, User]
    categories: dict[str, Category]
    posts: list[Post]          # newest first
    pages: list[Page]
    menu: tuple[str, ...]      # category keys in the header menu
    per_page: int = 8
    # 'category' ('/%category%/%postname%/') or 'date' ('/%Y/%m/%d/%postname%/')
    permalink: str = "category"
    disallowed: tuple[str, ...] = ()   # robots.txt Disallow paths (besides /wp-admin/)
    tags: dict[str, Tag] = field(default_factory=dict)
    by_slug: dict[str, Post] = field(default_factory=dict)
    redirects: dict[str, tuple[str, int]] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """Full URL (placeholder origin) of a site path; other hosts pass through."""
        if path.startswith(("http://", "https://")):
            return path
        return self.origin + path

    def post_path(self, post: Post, page: int = 1) -> str:
        if self.permalink == "date":
            base = f"/{post.moment:%Y/%m/%d}/{post.slug}/"
        else:
            base = f"/{post.cats[0]}/{post.slug}/"
        return base if page == 1 else f"{base}{page}/"

    def amp_path(self, post: Post) -> str:
        return self.post_path(post) + "amp/"

    def upload(self, file: str) -> str:
        return f"/wp-content/uploads/{file}"

    def thumb_file(self, post: Post) -> str:
        return f"{post.moment:%Y/%m}/{post.slug}.jpg"

    def posts_in(self, key: str) -> list[Post]:
        """Posts of a category (children's posts included, as WordPress lists them)."""
        return [p for p in self.posts
                if any(c == key or c.startswith(key + "/") for c in p.cats)]

    def posts_tagged(self, name: str) -> list[Post]:
        return [p for p in self.posts if name in p.tags]

    def posts_by(self, user: str) -> list[Post]:
        return [p for p in self.posts if p.author == user]

    def page_count(self, n: int) -> int:
        return max(1, -(-n // self.per_page))

    def most_viewed(self, n: int = 5) -> list[Post]:
        return sorted(self.posts, key=lambda p: (-stable_int(p.slug), p.slug))[:n]

    def related(self, post: Post, n: int = 4) -> list[Post]:
        same = [p for p in self.posts_in(post.cats[0]) if p is not post]
        same.sort(key=lambda p: (abs((p.moment - post.moment).total_seconds()), p.slug))
        return same[:n]

    def neighbours(self, post: Post) -> tuple[Post | None, Post | None]:
        """(previous = older, next = newer) post, as WordPress post navigation."""
        i = self.posts.index(post)
        older = self.posts[i + 1] if i + 1 < len(self.posts) else None
        newer = self.posts[i - 1] if i > 0 else None
        return older, newer

    def finalize(self) -> None:
        """Sort, number and index everything (ids follow publication order, like WP)."""
        for i, user in enumerate(sorted(self.users.values(), key=lambda u: u.slug), start=2):
            user.id = i
        for i, cat in enumerate(self.categories.values(), start=2):
            cat.id = i
        self.posts.sort(key=lambda p: (p.moment, p.slug))
        next_comment = 40
        for i, post in enumerate(self.posts):
            post.id = 120 + 17 * i
            numbered = []
            for c in post.comments:
                next_comment += 3
                numbered.append(Comment(c.author, c.date, c.text, next_comment))
            post.comments = tuple(numbered)
        self.posts.reverse()  # newest first
        for i, page in enumerate(self.pages):
            page.id = 2 + 5 * i
        names: list[str] = []
        for post in self.posts[::-1]:
            for t in post.tags:
                if t not in names:
                    names.append(t)
        self.tags = {n: Tag(n, 60 + i) for i, n in enumerate(names)}
        self.by_slug = {p.slug: p for p in self.posts}
        if len(self.by_slug) != len(self.posts):
            raise ValueError("duplicate post slugs in the corpus")
        for post in self.posts:
            for key in post.cats:
                if key not in self.categories:
                    raise ValueError(f"post {post.slug!r}: unknown category {key!r}")
            if post.author not in self.users:
                raise ValueError(f"post {post.slug!r}: unknown author {post.author!r}")
