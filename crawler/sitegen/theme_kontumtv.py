"""Page rendering: the kontumtv.vn-style theme (the base class of every theme).

A theme turns model objects into complete HTML documents (str); every URL it emits goes
through a :class:`~crawler.sitegen.links.Links` recorder so the crawl policy can be
computed from what the pages really contain. Themes never decide content: lists of
related/latest posts are handed in, so the same theme serves the small hand-written site
and the 50,000-post synthetic one.

Plain f-strings rather than a template engine: the markup must be byte-stable and fast
(the generator renders tens of thousands of pages), and there is no logic a template
language would make clearer.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from urllib.parse import quote

from crawler.sitegen import markup
from crawler.sitegen.links import Links
from crawler.sitegen.model import (
    BodyImage,
    Page,
    Post,
    Site,
    iso,
    parse_local,
    slugify,
    visible_date,
)

E = html.escape

COMMENT_NOTES = ("Email của bạn sẽ không được hiển thị công khai.",
                 "Các trường bắt buộc được đánh dấu")
COOKIES_TEXT = ("Lưu tên của tôi, email, và trang web trong trình duyệt này cho lần bình "
                "luận kế tiếp của tôi.")


def excerpt(post: Post, words: int = 28) -> str:
    first = markup.to_text(post.paras[0]) if post.paras else ""
    parts = first.split()
    return " ".join(parts[:words]) + (" […]" if len(parts) > words else "")


class KontumTheme:
    """kontumtv.vn look: div.entry-content, .post-thumb > a listings, Vietnamese chrome."""

    name = "kontumtv"
    content_class = "entry-content"
    machine_date_in_header = False   # the visible date is text only (no <time datetime>)

    def boilerplate(self) -> list[str]:
        """Chrome strings of this theme that must never reach an article's text."""
        return ["Tin liên quan", "Từ khóa:", "Chia sẻ:", "Đăng bởi", "Bài sau", "Tìm kiếm",
                "Trang sau", "Để lại bình luận", f"Bản quyền thuộc {self.site.long_name}",
                "Ghi rõ nguồn", "Giấy phép số 46/GP-TTĐT", "70 Phan Đình Phùng",
                "Cổng Dịch vụ công Quốc gia"]

    def __init__(self, site: Site, latest: Sequence[Post], most_viewed: Sequence[Post]) -> None:
        self.site = site
        self.latest = list(latest)
        self.most_viewed = list(most_viewed)
        self.asset_base = f"/wp-content/themes/{self.name}"

    # --- document frame ---------------------------------------------------------------

    def document(self, L: Links, *, title: str, body_class: str, main: str,
                 head: str = "", charset: str = "UTF-8") -> str:
        s = self.site
        return (
            "<!DOCTYPE html>\n"
            f'<html lang="vi" prefix="og: https://ogp.me/ns#">\n<head>\n'
            f'<meta charset="{charset}">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{title}</title>\n"
            f"{head}"
            f'<link rel="alternate" type="application/rss+xml" title="{E(s.name)} &raquo; '
            f'Dòng thông tin" href="{L("/feed/", "feed")}">\n'
            f'<link rel="stylesheet" id="{self.name}-style-css" '
            f'href="{L(self.asset_base + "/style.css?ver=5.2", "req")}" media="all">\n'
            f'<script src="{L("/wp-includes/js/jquery/jquery.min.js?ver=3.7.1", "req")}" '
            'id="jquery-core-js"></script>\n'
            '<script async src="'
            f'{L("https://www.googletagmanager.com/gtag/js?id=G-KT2016", "req")}">'
            "</script>\n"
            "</head>\n"
            f'<body class="{body_class}">\n<div id="page" class="site">\n'
            f'<a class="skip-link screen-reader-text" href="#main">Chuyển đến nội dung</a>\n'
            f"{self.header(L)}"
            f'<div id="content" class="site-content"><div class="container"><div class="row">\n'
            f"{main}"
            f"{self.sidebar(L)}"
            "</div></div></div>\n"
            f"{self.footer(L)}"
            "</div>\n"
            f'<script src="{L(self.asset_base + "/js/main.js?ver=5.2", "req")}" '
            'id="kontumtv-main-js"></script>\n'
            "</body>\n</html>\n"
        )

    def title_of(self, text: str) -> str:
        return f"{E(text)} &#8211; {E(self.site.name)}"

    def header(self, L: Links) -> str:
        s = self.site
        menu = [f'<li class="menu-item menu-item-home"><a href="{L("/")}">Trang chủ</a></li>']
        for key in s.menu:
            cat = s.categories[key]
            children = [c for c in s.categories.values() if c.parent == key]
            sub = ""
            if children:
                sub = '<ul class="sub-menu">' + "".join(
                    f'<li class="menu-item"><a href="{L(c.path)}">{E(c.name)}</a></li>'
                    for c in children) + "</ul>"
            cls = "menu-item menu-item-has-children" if children else "menu-item"
            menu.append(f'<li class="{cls}"><a href="{L(cat.path)}">{E(cat.name)}</a>{sub}</li>')
        for page in s.pages[:2]:
            menu.append(f'<li class="menu-item"><a href="{L(page.path)}">{E(page.title)}</a></li>')
        ticker = "".join(
            f'<li><a href="{L(s.post_path(p))}">{E(p.title)}</a></li>' for p in self.latest[:5])
        return (
            '<header id="masthead" class="site-header">\n'
            '<div class="top-bar"><div class="container">'
            f'<span class="current-date">{visible_date(s.today)[:-8]}</span>'
            '<form role="search" method="get" class="search-form" '
            f'action="{E(s.origin)}/"><label><span class="screen-reader-text">Tìm kiếm cho:'
            '</span><input type="search" class="search-field" placeholder="Tìm kiếm &hellip;" '
            'value="" name="s"></label><button type="submit" class="search-submit">Tìm</button>'
            "</form></div></div>\n"
            '<div class="site-branding"><div class="container">'
            f'<a href="{L("/")}" class="custom-logo-link" rel="home"><img width="420" height="90" '
            f'src="{L(self.asset_base + "/images/logo.png", "req")}" class="custom-logo" '
            f'alt="{E(s.long_name)}" decoding="async"></a>'
            f'<p class="site-description">{E(s.tagline)}</p></div></div>\n'
            '<nav id="site-navigation" class="main-navigation"><div class="container">'
            '<button class="menu-toggle" aria-controls="primary-menu" aria-expanded="false">'
            'Danh mục</button>'
            f'<ul id="primary-menu" class="menu">{"".join(menu)}</ul></div></nav>\n'
            '<div class="breaking-news"><div class="container"><span class="breaking-title">'
            f'Tin nóng</span><ul class="ticker">{ticker}</ul></div></div>\n'
            "</header>\n"
        )

    def sidebar(self, L: Links) -> str:
        s = self.site
        recent = "".join(
            f'<li><a href="{L(s.post_path(p))}">{E(p.title)}</a>'
            f'<span class="post-date">{p.moment:%d/%m/%Y}</span></li>' for p in self.latest[:6])
        viewed = "".join(
            f'<li><span class="rank">{i}</span><a href="{L(s.post_path(p))}">{E(p.title)}</a></li>'
            for i, p in enumerate(self.most_viewed[:5], start=1))
        return (
            '<aside id="secondary" class="widget-area col-md-4">\n'
            '<section id="recent-posts-2" class="widget widget_recent_entries">'
            f'<h3 class="widget-title">Tin mới</h3><ul>{recent}</ul></section>\n'
            '<section id="most-viewed-3" class="widget widget_most_viewed">'
            f'<h3 class="widget-title">Xem nhiều</h3><ol>{viewed}</ol></section>\n'
            '<section id="media_image-4" class="widget widget_media_image">'
            f'<a href="{L("https://dichvucong.gov.vn/p/home/dvc-trang-chu.html")}" target="_blank">'
            '<img width="300" height="100" src="'
            f'{L("/wp-content/uploads/2020/01/banner-dvc.jpg", "req")}" '
            'class="image wp-image-41 attachment-full size-full" alt="Cổng Dịch vụ công Quốc gia" '
            'decoding="async" loading="lazy"></a></section>\n'
            '<section id="media_image-5" class="widget widget_media_image">'
            f'<a href="{L("https://baochinhphu.vn/")}" target="_blank">'
            '<img width="300" height="100" src="'
            f'{L("/wp-content/uploads/2020/01/banner-bcp.jpg", "req")}" '
            'class="image wp-image-42 attachment-full size-full" alt="Báo điện tử Chính phủ" '
            'decoding="async" loading="lazy"></a></section>\n'
            "</aside>\n"
        )

    def footer(self, L: Links) -> str:
        s = self.site
        pages = "".join(f'<li><a href="{L(p.path)}">{E(p.title)}</a></li>' for p in s.pages[:2])
        return (
            '<footer id="colophon" class="site-footer"><div class="container">\n'
            '<div class="footer-info">'
            f"<p><strong>{E(s.long_name.upper())}</strong></p>"
            "<p>Địa chỉ: 70 Phan Đình Phùng, phường Quyết Thắng, thành phố Kon Tum, "
            "tỉnh Kon Tum</p>"
            "<p>Điện thoại: (0260) 3862 345 &#8211; Email: ptthkontum@gmail.com</p>"
            "<p>Giấy phép số 46/GP-TTĐT do Sở Thông tin và Truyền thông tỉnh Kon Tum cấp.</p>"
            f"<p>Bản quyền thuộc {E(s.long_name)}. Ghi rõ nguồn “kontumtv.vn” khi phát hành "
            "lại thông tin từ website này.</p></div>\n"
            f'<ul class="footer-links">{pages}'
            f'<li><a href="{L("/wp-login.php")}" rel="nofollow">Đăng nhập</a></li></ul>\n'
            "</div></footer>\n"
        )

    # --- pieces of a post ---------------------------------------------------------------

    def head_post(self, L: Links, post: Post, page_no: int, desc: str) -> str:
        s = self.site
        canonical = s.post_path(post, page_no)
        head = [f'<link rel="canonical" href="{L(canonical, "canonical")}">\n']
        if post.amp and page_no == 1:
            head.append(f'<link rel="amphtml" href="{L(s.amp_path(post), "amphtml")}">\n')
        head.append(
            f'<link rel="alternate" type="application/rss+xml" title="{E(s.name)} &raquo; '
            f'{E(post.title)} Dòng phản hồi" '
            f'href="{L(s.post_path(post) + "feed/", "commentfeed")}">\n')
        if not post.meta:
            return "".join(head)
        cats = [s.categories[k].name for k in post.cats]
        image = s.url(s.upload(s.thumb_file(post)))
        head.append(f'<meta name="description" content="{E(desc)}">\n')
        head.append('<meta property="og:locale" content="vi_VN">\n'
                    '<meta property="og:type" content="article">\n'
                    f'<meta property="og:title" content="{E(post.title)}">\n'
                    f'<meta property="og:description" content="{E(desc)}">\n'
                    f'<meta property="og:url" content="{E(s.url(s.post_path(post)))}">\n'
                    f'<meta property="og:site_name" content="{E(s.name)}">\n'
                    f'<meta property="article:section" content="{E(cats[0])}">\n')
        for tag in post.tags:
            head.append(f'<meta property="article:tag" content="{E(tag)}">\n')
        head.append(f'<meta property="article:published_time" content="{iso(post.moment)}">\n')
        modified = post.moment
        if post.modified:
            modified = parse_local(post.modified)
            head.append(f'<meta property="article:modified_time" content="{iso(modified)}">\n')
        head.append(f'<meta property="og:image" content="{E(image)}">\n'
                    '<meta property="og:image:width" content="800">\n'
                    '<meta property="og:image:height" content="533">\n')
        author = s.users[post.author]
        ld = {
            "@context": "https://schema.org",
            "@graph": [{
                "@type": "NewsArticle",
                "@id": s.url(s.post_path(post)) + "#article",
                "headline": post.title,
                "datePublished": iso(post.moment),
                "dateModified": iso(modified),
                "author": {"@type": "Person", "name": author.name,
                           "url": s.url(author.path)},
                "publisher": {"@type": "Organization", "name": s.name,
                              "logo": {"@type": "ImageObject",
                                       "url": s.url(self.asset_base + "/images/logo.png")}},
                "mainEntityOfPage": s.url(s.post_path(post)),
                "image": image,
                "articleSection": cats,
                "keywords": list(post.tags),
                "inLanguage": "vi",
            }],
        }
        head.append('<script type="application/ld+json">'
                    f"{json.dumps(ld, ensure_ascii=False)}</script>\n")
        return "".join(head)

    def tag_path(self, name: str) -> str:
        tag = self.site.tags.get(name)
        return tag.path if tag else f"/tag/{slugify(name)}/"

    def share(self, L: Links, post: Post, where: str) -> str:
        u = quote(self.site.url(self.site.post_path(post)), safe="")
        t = quote(post.title, safe="")
        return (
            f'<div class="share-buttons share-{where}"><span class="share-label">Chia sẻ:</span>'
            '<a class="share-facebook" href="'
            f'{L("https://www.facebook.com/sharer/sharer.php?u=" + u)}" '
            'target="_blank" rel="nofollow noopener">Facebook</a>'
            f'<a class="share-zalo" href="{L("https://sp.zalo.me/share_inline?url=" + u)}" '
            'target="_blank" rel="nofollow noopener">Zalo</a>'
            '<a class="share-twitter" href="'
            f'{L("https://twitter.com/intent/tweet?url=" + u + "&text=" + t)}" '
            'target="_blank" rel="nofollow noopener">Twitter</a>'
            '<a class="share-print" href="javascript:window.print()">In bài</a></div>\n')

    def resolve(self, target: str) -> str:
        """Corpus link targets -> hrefs (paths stay paths; the recorder makes them full)."""
        s = self.site
        kind, _, ref = target.partition(":")
        if kind == "post" and ref in s.by_slug:
            return s.post_path(s.by_slug[ref])
        if kind == "p" and ref in s.by_slug:
            return f"/?p={s.by_slug[ref].id}"
        if kind == "noslash" and ref in s.by_slug:
            return s.post_path(s.by_slug[ref]).rstrip("/")
        return target

    def body_html(self, L: Links, post: Post, page_no: int) -> str:
        """The entry content of one page of a post (prefix, images, video, byline)."""
        s = self.site
        paras = list(post.paras)
        start, stop = 0, len(paras)
        if post.split:
            start, stop = (0, post.split) if page_no == 1 else (post.split, len(paras))
        blocks: list[str] = []
        if post.video and page_no == 1:
            if post.video.startswith("https://"):
                src = L(post.video, "req")   # an embed on another host (YouTube)
            else:
                mp4 = L.url(s.upload(post.video), "media")
                src = E(L.rel("/player/?l=" + mp4, "req"))  # root-relative, like kontumtv.vn
            blocks.append(f'<p><iframe src="{src}" width="640" height="360" frameborder="0" '
                          'scrolling="no" allowfullscreen="allowfullscreen"></iframe></p>')
        for i in range(start, stop):
            for img in post.images:
                if img.after == i:
                    blocks.append(self.image_html(L, img, post.id + i))
            html_p = markup.to_html(paras[i], lambda t: self._link(L, t), origin=s.origin)
            if i == 0 and post.prefix:
                html_p = self.with_prefix(html_p, post)
            blocks.append(html_p)
            if i == 2 and post.id % 5 == 0 and stop - start > 3:
                blocks.append("<p>&nbsp;</p>")
        if page_no == 1 or not post.split:
            for img in post.images:
                if img.after >= len(paras) and stop == len(paras):
                    blocks.append(self.image_html(L, img, post.id + 99))
        if post.byline and stop == len(paras):
            byline = E(post.byline).replace(" – ", " &#8211; ")
            blocks.append(f'<p style="text-align: right;"><strong>{byline}</strong></p>')
        if post.split:
            blocks.append(self.page_links(L, post, page_no))
        return "\n".join(blocks) + "\n"

    def _link(self, L: Links, target: str) -> str:
        """Corpus link -> href: model references become full permalinks (as WordPress
        writes them); a plain '/path' stays root-relative (as an editor pasted it)."""
        href = self.resolve(target)
        full = L.url(href, "a")
        return target if target.startswith("/") else full

    def with_prefix(self, html_p: str, post: Post) -> str:
        prefix = E(post.prefix or "")
        if post.id % 2:
            return html_p.replace("<p>", f"<p><strong>{prefix}</strong> ", 1)
        return html_p.replace("<p>", f"<p>{prefix.replace(' –', ' &#8211;')} ", 1)

    def image_html(self, L: Links, img: BodyImage, attach_id: int) -> str:
        src = L(img.path, "req")
        tag = (f'<img decoding="async" class="wp-image-{attach_id} size-full" src="{src}" '
               f'alt="{E(img.alt)}" width="800" height="533">')
        if not img.caption:
            return f'<p>{tag.replace("size-full", "aligncenter size-full")}</p>'
        cap = E(img.caption, quote=False)
        if img.figure:
            return (f'<figure id="attachment_{attach_id}" aria-describedby="caption-attachment-'
                    f'{attach_id}" style="width: 800px" class="wp-caption aligncenter">{tag}'
                    f'<figcaption id="caption-attachment-{attach_id}" class="wp-caption-text">'
                    f"{cap}</figcaption></figure>")
        return (f'<div id="attachment_{attach_id}" style="width: 810px" class="wp-caption '
                f'aligncenter">{tag}<p id="caption-attachment-{attach_id}" '
                f'class="wp-caption-text">{cap}</p></div>')

    def page_links(self, L: Links, post: Post, page_no: int) -> str:
        s = self.site
        items = []
        for n in (1, 2):
            if n == page_no:
                items.append('<span class="post-page-numbers current" aria-current="page">'
                             f"{n}</span>")
            else:
                items.append(f'<a href="{L(s.post_path(post, n))}" '
                             f'class="post-page-numbers">{n}</a>')
        return f'<div class="page-links">Trang: {" ".join(items)}</div>'

    def comments_html(self, L: Links, post: Post) -> str:
        s = self.site
        url = s.post_path(post)
        parts = ['<div id="comments" class="comments-area">\n']
        if post.comments:
            n = len(post.comments)
            parts.append(f'<h3 class="comments-title">{n} bình luận về “{E(post.title)}”</h3>\n'
                         '<ol class="comment-list">\n')
            for i, c in enumerate(post.comments):
                when = parse_local(c.date)
                ampm = "sáng" if when.hour < 12 else "chiều"
                hour12 = (when.hour - 1) % 12 + 1
                parity = "odd alt" if i % 2 else "even"
                parts.append(
                    f'<li id="comment-{c.id}" class="comment {parity} thread-{parity} depth-1">'
                    f'<article id="div-comment-{c.id}" class="comment-body"><footer '
                    'class="comment-meta"><div class="comment-author vcard">'
                    f'<b class="fn">{E(c.author)}</b> <span class="says">viết:</span></div>'
                    f'<div class="comment-metadata"><a href="{L(url + f"#comment-{c.id}")}">'
                    f'<time datetime="{iso(when)}">{when:%d/%m/%Y} lúc {hour12}:{when:%M} {ampm}'
                    "</time></a></div></footer>"
                    f'<div class="comment-content"><p>{E(c.text, quote=False)}</p></div>'
                    f'<div class="reply"><a rel="nofollow" class="comment-reply-link" '
                    f'href="{L(url + f"?replytocom={c.id}#respond")}" data-commentid="{c.id}" '
                    f'data-postid="{post.id}" data-belowelement="div-comment-{c.id}" '
                    f'data-respondelement="respond" aria-label="Trả lời {E(c.author)}">Trả lời</a>'
                    "</div></article></li>\n")
            parts.append("</ol>\n")
        parts.append(
            '<div id="respond" class="comment-respond">\n'
            '<h3 id="reply-title" class="comment-reply-title">Trả lời <small><a rel="nofollow" '
            f'id="cancel-comment-reply-link" href="{L(url + "#respond")}" style="display:none;">'
            "Hủy</a></small></h3>"
            f'<form action="{E(s.origin)}/wp-comments-post.php" method="post" id="commentform" '
            'class="comment-form" novalidate>'
            f'<p class="comment-notes"><span id="email-notes">{COMMENT_NOTES[0]}</span> '
            f'<span class="required-field-message">{COMMENT_NOTES[1]} '
            '<span class="required">*</span></span></p>'
            '<p class="comment-form-comment"><label for="comment">Bình luận <span '
            'class="required">*</span></label> <textarea id="comment" name="comment" cols="45" '
            'rows="8" maxlength="65525" required></textarea></p>'
            '<p class="comment-form-author"><label for="author">Tên <span class="required">*'
            '</span></label> <input id="author" name="author" type="text" value="" size="30" '
            'maxlength="245" autocomplete="name" required></p>'
            '<p class="comment-form-email"><label for="email">Email <span class="required">*'
            '</span></label> <input id="email" name="email" type="email" value="" size="30" '
            'maxlength="100" aria-describedby="email-notes" autocomplete="email" required></p>'
            '<p class="comment-form-url"><label for="url">Trang web</label> <input id="url" '
            'name="url" type="url" value="" size="30" maxlength="200" autocomplete="url"></p>'
            '<p class="comment-form-cookies-consent"><input id="wp-comment-cookies-consent" '
            'name="wp-comment-cookies-consent" type="checkbox" value="yes"> <label '
            f'for="wp-comment-cookies-consent">{COOKIES_TEXT}</label></p>'
            '<p class="form-submit"><input name="submit" type="submit" id="submit" '
            'class="submit" value="Phản hồi"> <input type="hidden" name="comment_post_ID" '
            f'value="{post.id}" id="comment_post_ID"> <input type="hidden" '
            'name="comment_parent" id="comment_parent" value="0"></p></form>\n'
            "</div>\n</div>\n")
        return "".join(parts)

    def thumb_item(self, L: Links, post: Post, *, excerpt_words: int = 0,
                   heading: str = "h3") -> str:
        s = self.site
        url = L(s.post_path(post))
        img = L(s.upload(s.thumb_file(post)), "req")
        ex = (f'<div class="post-excerpt">{E(excerpt(post, excerpt_words))}</div>'
              if excerpt_words else "")
        return (f'<article class="post-item post-{post.id}">'
                f'<div class="post-thumb"><a href="{url}" title="{E(post.title)}">'
                f'<img width="300" height="200" src="{img}" class="attachment-medium size-medium '
                f'wp-post-image" alt="" decoding="async" loading="lazy"></a></div>'
                f'<div class="post-info"><{heading} class="post-title"><a href="{url}">'
                f"{E(post.title)}</a></{heading}>"
                f'<div class="post-meta"><span class="date">{post.moment:%d/%m/%Y}</span></div>'
                f"{ex}</div></article>\n")

    # --- page types -----------------------------------------------------------------------

    def single(self, post: Post, page_no: int, *, related: Sequence[Post],
               older: Post | None, newer: Post | None) -> tuple[str, Links]:
        s = self.site
        L = Links(s.origin)
        cats = [s.categories[k] for k in post.cats]
        author = s.users[post.author]
        desc = excerpt(post, 30)
        head = self.head_post(L, post, page_no, desc)
        cat_links = ", ".join(
            f'<a href="{L(c.path)}" rel="category tag">{E(c.name)}</a>' for c in cats)
        crumbs = (f'<div class="breadcrumbs"><a href="{L("/")}">Trang chủ</a> &raquo; '
                  f'<a href="{L(cats[0].path)}">{E(cats[0].name)}</a></div>\n')
        date_html = ""
        if post.show_date:
            shown = (visible_date(post.moment) if post.date_style == "full"
                     else f"Ngày đăng: {post.moment:%d/%m/%Y}")
            date_html = f'<span class="posted-on"><i class="fa fa-clock-o"></i> {shown}</span> '
        tags = ""
        if post.tags:
            tags = ('<div class="post-tags"><span class="tags-title">Từ khóa:</span> ' + ", ".join(
                f'<a href="{L(self.tag_path(t))}" '
                f'rel="tag">{E(t)}</a>' for t in post.tags) + "</div>\n")
        nav = []
        if older:
            nav.append(f'<div class="nav-previous"><a href="{L(s.post_path(older))}" rel="prev">'
                       f'<span class="meta-nav">Bài trước</span> {E(older.title)}</a></div>')
        if newer:
            nav.append(f'<div class="nav-next"><a href="{L(s.post_path(newer))}" rel="next">'
                       f'<span class="meta-nav">Bài sau</span> {E(newer.title)}</a></div>')
        rel = "".join(self.thumb_item(L, p) for p in related)
        tag_classes = " ".join(f"tag-{slugify(t)}" for t in post.tags)
        cat_classes = " ".join(f"category-{c.slug}" for c in cats)
        main = (
            '<main id="main" class="site-main col-md-8">\n'
            f"{crumbs}"
            f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish '
            f'format-{post.fmt} has-post-thumbnail hentry {cat_classes} {tag_classes}">\n'
            '<header class="entry-header">\n'
            f'<div class="post-cats">{cat_links}</div>\n'
            f'<h1 class="entry-title">{E(post.title)}</h1>\n'
            f'<div class="entry-meta">{date_html}<span class="byline">Đăng bởi <span '
            f'class="author vcard"><a class="url fn n" href="{L(author.path)}">{E(author.name)}'
            "</a></span></span></div>\n</header>\n"
            f"{self.share(L, post, 'top')}"
            f'<div class="{self.content_class}">\n{self.body_html(L, post, page_no)}</div>\n'
            f'<footer class="entry-footer">\n{tags}{self.share(L, post, "bottom")}</footer>\n'
            "</article>\n"
            '<nav class="navigation post-navigation" aria-label="Bài viết"><h2 '
            'class="screen-reader-text">Điều hướng bài viết</h2><div class="nav-links">'
            f'{"".join(nav)}</div></nav>\n'
            f'<div class="related-posts"><h3 class="widget-title">Tin liên quan</h3>\n{rel}</div>\n'
            f"{self.comments_html(L, post)}"
            "</main>\n")
        body_class = (f"post-template-default single single-post postid-{post.id} "
                      f"single-format-{post.fmt}")
        if page_no > 1:
            body_class += f" paged-{page_no} single-paged-{page_no}"
        charset = "windows-1258" if post.encoding == "cp1258" else "UTF-8"
        doc = self.document(L, title=self.title_of(post.title), body_class=body_class,
                            main=main, head=head, charset=charset)
        return doc, L

    def amp(self, post: Post) -> tuple[str, Links]:
        s = self.site
        L = Links(s.origin)
        author = s.users[post.author]
        body: list[str] = []
        if post.video:
            if post.video.startswith("https://"):
                src = L(post.video, "req")
            else:
                src = L("/player/?l=" + L.url(s.upload(post.video), "media"), "req")
            body.append(f'<amp-iframe src="{src}" width="640" '
                        'height="360" layout="responsive" sandbox="allow-scripts" '
                        'frameborder="0"></amp-iframe>')
        for i, para in enumerate(post.paras):
            for img in post.images:
                if img.after == i:
                    cap = (f"<figcaption>{E(img.caption, quote=False)}</figcaption>"
                           if img.caption else "")
                    body.append(f'<figure class="wp-caption"><amp-img src="{L(img.path, "req")}" '
                                f'alt="{E(img.alt)}" width="800" height="533" '
                                f'layout="intrinsic"></amp-img>{cap}</figure>')
            p = markup.to_html(para, lambda t: self._link(L, t), origin=s.origin)
            if i == 0 and post.prefix:
                p = self.with_prefix(p, post)
            body.append(p)
        if post.byline:
            body.append(f'<p style="text-align: right;"><strong>{E(post.byline)}</strong></p>')
        cats = ", ".join(f'<a href="{L(s.categories[k].path)}">{E(s.categories[k].name)}</a>'
                         for k in post.cats)
        doc = (
            "<!doctype html>\n"
            '<html amp lang="vi">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width,minimum-scale=1,initial-scale=1">\n'
            f"<title>{self.title_of(post.title)}</title>\n"
            f'<link rel="canonical" href="{L(s.post_path(post), "canonical")}">\n'
            f'<script async src="{L("https://cdn.ampproject.org/v0.js", "req")}"></script>\n'
            "<style amp-boilerplate>body{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 "
            "normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}</style>"
            "<noscript><style amp-boilerplate>body{-webkit-animation:none;animation:none}"
            "</style></noscript>\n"
            "<style amp-custom>body{font-family:Arial,sans-serif}.amp-wp-title{font-size:1.6em}"
            "</style>\n</head>\n"
            '<body class="amp-wp-body">\n'
            f'<header id="top" class="amp-wp-header"><div><a href="{L("/")}">{E(s.name)}</a>'
            "</div></header>\n"
            '<article class="amp-wp-article">\n<header class="amp-wp-article-header">'
            f'<h1 class="amp-wp-title">{E(post.title)}</h1>'
            f'<div class="amp-wp-meta amp-wp-byline"><span class="amp-wp-author author vcard">'
            f"{E(author.name)}</span></div>"
            f'<div class="amp-wp-meta amp-wp-posted-on"><time datetime="{iso(post.moment)}">'
            f"{post.moment:%d/%m/%Y}</time></div></header>\n"
            f'<div class="amp-wp-article-content">\n{chr(10).join(body)}\n</div>\n'
            f'<footer class="amp-wp-article-footer"><div class="amp-wp-meta '
            f'amp-wp-tax-category">Chuyên mục: {cats}</div>'
            f'<div class="amp-wp-meta amp-wp-comments-link"><a href="'
            f'{L(s.post_path(post) + "#respond")}">Để lại bình luận</a></div></footer>\n'
            "</article>\n"
            f'<footer class="amp-wp-footer"><div><h2>{E(s.name)}</h2><a href="#top" '
            'class="back-to-top">Lên đầu trang</a></div></footer>\n'
            "</body>\n</html>\n")
        return doc, L

    def listing(self, *, base: str, title: str, heading: str, posts: Sequence[Post],
                page_no: int, pages: int, body_class: str, feed: str | None = None,
                featured: bool = False) -> tuple[str, Links]:
        """A paginated listing (home, category, tag, author); ``base`` ends with '/'."""
        s = self.site
        L = Links(s.origin)
        head = f'<link rel="canonical" href="{L(self.paged(base, page_no), "canonical")}">\n'
        if feed:
            head += (f'<link rel="alternate" type="application/rss+xml" title="{E(s.name)} '
                     f'&raquo; {E(heading)} Dòng thông tin chuyên mục" href="{L(feed, "feed")}">\n')
        if page_no > 1:
            head += f'<link rel="prev" href="{L(self.paged(base, page_no - 1))}">\n'
        if page_no < pages:
            head += f'<link rel="next" href="{L(self.paged(base, page_no + 1))}">\n'
        items = list(posts)
        top = ""
        if featured and items:
            lead = items[0]
            items = items[1:]
            lead_html = self.thumb_item(L, lead, excerpt_words=40, heading="h2")
            top = (f'<div class="featured-post">{lead_html}'
                   "</div>\n")
        listing = "".join(self.thumb_item(L, p, excerpt_words=28, heading="h2") for p in items)
        main = (
            '<main id="main" class="site-main col-md-8">\n'
            f'<header class="page-header"><h1 class="page-title">{E(heading)}</h1></header>\n'
            f'{top}<div class="post-list">\n{listing}</div>\n'
            f"{self.pagination(L, base, page_no, pages)}"
            "</main>\n")
        if page_no > 1:
            body_class += f" paged paged-{page_no}"
            title = f"{title} &#8211; Trang {page_no}"
        doc = self.document(L, title=f"{title} &#8211; {E(s.name)}", body_class=body_class,
                            main=main, head=head)
        return doc, L

    @staticmethod
    def paged(base: str, n: int) -> str:
        return base if n == 1 else f"{base}page/{n}/"

    @staticmethod
    def page_window(page_no: int, pages: int) -> list[int | None]:
        """Page numbers a WordPress pagination shows: first, last, two either side of the
        current page; ``None`` where numbers are skipped (the dots)."""
        shown = sorted({1, pages, *range(max(1, page_no - 2), min(pages, page_no + 2) + 1)})
        window: list[int | None] = []
        last = 0
        for n in shown:
            if n - last > 1:
                window.append(None)
            window.append(n)
            last = n
        return window

    def pagination(self, L: Links, base: str, page_no: int, pages: int) -> str:
        if pages <= 1:
            return ""
        out: list[str] = []
        if page_no > 1:
            out.append(f'<a class="prev page-numbers" href="{L(self.paged(base, page_no - 1))}">'
                       "&laquo; Trang trước</a>")
        for n in self.page_window(page_no, pages):
            if n is None:
                out.append('<span class="page-numbers dots">&hellip;</span>')
            elif n == page_no:
                out.append(f'<span aria-current="page" class="page-numbers current">{n}</span>')
            else:
                out.append(f'<a class="page-numbers" href="{L(self.paged(base, n))}">{n}</a>')
        if page_no < pages:
            out.append(f'<a class="next page-numbers" href="{L(self.paged(base, page_no + 1))}">'
                       "Trang sau &raquo;</a>")
        return ('<nav class="navigation pagination" aria-label="Phân trang"><div class="nav-links">'
                + " ".join(out) + "</div></nav>\n")

    def static_page(self, page: Page) -> tuple[str, Links]:
        s = self.site
        L = Links(s.origin)
        body = "\n".join(markup.to_html(p, lambda t: L.url(t), origin=s.origin)
                         for p in page.paras)
        main = ('<main id="main" class="site-main col-md-8">\n'
                f'<article id="post-{page.id}" class="post-{page.id} page type-page '
                'status-publish hentry">\n'
                f'<header class="entry-header"><h1 class="entry-title">{E(page.title)}</h1>'
                f'</header>\n<div class="{self.content_class}">\n{body}\n</div>\n</article>\n'
                "</main>\n")
        head = f'<link rel="canonical" href="{L(page.path, "canonical")}">\n'
        doc = self.document(L, title=self.title_of(page.title),
                            body_class=f"page-template-default page page-id-{page.id}",
                            main=main, head=head)
        return doc, L

    def not_found(self) -> tuple[str, Links]:
        L = Links(self.site.origin)
        main = ('<main id="main" class="site-main col-md-8">\n<section class="error-404 '
                'not-found"><header class="page-header"><h1 class="page-title">Không tìm thấy '
                'trang</h1></header><div class="page-content"><p>Trang bạn tìm không tồn tại '
                'hoặc đã được chuyển đi. Mời bạn trở về <a href="'
                f'{L("/")}">trang chủ</a>.</p></div></section>\n</main>\n')
        doc = self.document(L, title=f"Không tìm thấy trang &#8211; {E(self.site.name)}",
                            body_class="error404", main=main)
        return doc, L

    def player(self) -> tuple[str, Links]:
        """The video player page (/player/?l=MP4): reads its ?l= parameter in script."""
        L = Links(self.site.origin)
        doc = ("<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"UTF-8\">\n"
               "<title>Player</title>\n<style>html,body{margin:0;background:#000}"
               "video{width:100%;height:100%}</style>\n</head>\n<body>\n"
               '<video id="kt-player" controls preload="none"></video>\n'
               "<script>var l=new URLSearchParams(location.search).get('l');"
               "if(l){document.getElementById('kt-player').src=l;}</script>\n"
               "</body>\n</html>\n")
        return doc, L
