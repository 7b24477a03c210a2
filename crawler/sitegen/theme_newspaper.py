"""The tagDiv "Newspaper"-style theme: td-post-header, td-post-content, td_module_* listings.

Same model and link recording as :class:`~crawler.sitegen.theme_kontumtv.KontumTheme`;
only the markup differs (and the post header carries a machine-readable <time>).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import quote

from crawler.sitegen.links import Links
from crawler.sitegen.model import Post, iso, visible_date
from crawler.sitegen.theme_kontumtv import E, KontumTheme, excerpt


class NewspaperTheme(KontumTheme):
    """tagDiv "Newspaper" look: td-post-header, td-post-content, td_module_* listings."""

    name = "newspaper"
    content_class = "td-post-content tagdiv-type"
    machine_date_in_header = True    # <time class="entry-date" datetime=...>

    def boilerplate(self) -> list[str]:
        return ["BÀI LIÊN QUAN", "Bài tiếp theo", "TAGS", f"Bản quyền thuộc {self.site.long_name}",
                "Tòa soạn: 12 Trần Hưng Đạo", "Mọi hình thức sao chép"]

    def document(self, L: Links, *, title: str, body_class: str, main: str,
                 head: str = "", charset: str = "UTF-8") -> str:
        s = self.site
        return (
            "<!doctype html >\n"
            '<html lang="vi">\n<head>\n'
            f"<title>{title}</title>\n"
            f'<meta charset="{charset}" />\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1.0">\n'
            f"{head}"
            f'<link rel="alternate" type="application/rss+xml" title="{E(s.name)} &raquo; '
            f'Dòng thông tin" href="{L("/feed/", "feed")}" />\n'
            f"<link rel='stylesheet' id='td-theme-css' "
            f"href='{L(self.asset_base + '/style.css?ver=12.6.5', 'req')}' type='text/css' "
            "media='all' />\n"
            '<script type="text/javascript" src="'
            f"{L('/wp-includes/js/jquery/jquery.min.js?ver=3.7.1', 'req')}\" "
            'id="jquery-core-js"></script>\n'
            "</head>\n\n"
            f'<body class="{body_class} td-standard-pack global-block-template-1 '
            'td-full-layout" itemscope="itemscope" itemtype="https://schema.org/WebPage">\n'
            '<div class="td-scroll-up"><i class="td-icon-menu-up"></i></div>\n'
            '<div id="td-outer-wrap" class="td-theme-wrap">\n'
            f"{self.header(L)}"
            '<div class="td-main-content-wrap td-container-wrap">\n<div class="td-container">\n'
            '<div class="td-pb-row">\n'
            f"{main}"
            f"{self.sidebar(L)}"
            "</div>\n</div>\n</div>\n"
            f"{self.footer(L)}"
            "</div><!--close td-outer-wrap-->\n"
            '<script type="text/javascript" src="'
            f"{L(self.asset_base + '/js/main.js?ver=12.6.5', 'req')}\" "
            'id="td-site-min-js"></script>\n'
            "</body>\n</html>\n")

    def header(self, L: Links) -> str:
        s = self.site
        items = [f'<li class="menu-item menu-item-type-custom menu-item-first"><a href="{L("/")}">'
                 "Trang chủ</a></li>"]
        for key in s.menu:
            cat = s.categories[key]
            items.append(f'<li class="menu-item menu-item-type-taxonomy menu-item-object-category">'
                         f'<a href="{L(cat.path)}">{E(cat.name)}</a></li>')
        trending = "".join(
            '<div class="td_module_trending_now td-trending-now-post">'
            f'<h3 class="entry-title td-module-title"><a href="{L(s.post_path(p))}" '
            f'rel="bookmark" title="{E(p.title)}">{E(p.title)}</a></h3></div>'
            for p in self.latest[:5])
        return (
            '<div class="td-header-wrap td-header-style-1">\n'
            '<div class="td-header-top-menu-full td-container-wrap"><div class="td-container '
            'td-header-row td-header-top-menu"><div class="top-bar-style-1">'
            f'<div class="td_data_time"><div>{visible_date(s.today)[:-8]}</div></div>'
            "</div></div></div>\n"
            '<div class="td-banner-wrap-full td-logo-wrap-full td-container-wrap">'
            '<div class="td-header-sp-logo"><a class="td-main-logo" href="'
            f'{L("/")}"><img class="td-retina-data" src="'
            f'{L(self.asset_base + "/images/logo.png", "req")}" alt="{E(s.long_name)}" '
            f'width="300" height="90"/><span class="td-visual-hidden">{E(s.name)}</span></a>'
            "</div></div>\n"
            '<div class="td-header-menu-wrap-full td-container-wrap">'
            '<div class="td-header-menu-wrap">'
            '<div class="td-container td-header-row td-header-main-menu"><div id="td-header-menu" '
            f'role="navigation"><ul id="menu-main-menu" class="sf-menu">{"".join(items)}</ul>'
            "</div></div></div></div>\n"
            '<div class="td-trending-now-wrapper" id="td_uid_trend">'
            '<div class="td-trending-now-title">'
            f'Tin nóng</div><div class="td-trending-now-display-area">{trending}</div></div>\n'
            "</div>\n")

    def sidebar(self, L: Links) -> str:
        s = self.site

        def block(title: str, posts: Sequence[Post]) -> str:
            mods = "".join(
                '<div class="td_module_6 td_module_wrap td-animation-stack">'
                '<div class="td-module-thumb"><a href="'
                f'{L(s.post_path(p))}" rel="bookmark" class="td-image-wrap" title="{E(p.title)}">'
                f'<img width="100" height="70" class="entry-thumb" src="'
                f'{L(s.upload(s.thumb_file(p)), "req")}" alt="" title="{E(p.title)}"/></a></div>'
                '<div class="item-details"><h3 class="entry-title td-module-title"><a href="'
                f'{L(s.post_path(p))}" rel="bookmark" title="{E(p.title)}">{E(p.title)}</a></h3>'
                '<div class="td-module-meta-info"><span class="td-post-date">'
                '<time class="entry-date '
                f'updated td-module-date" datetime="{iso(p.moment)}">{p.moment:%d/%m/%Y}</time>'
                "</span></div></div></div>" for p in posts)
            return ('<div class="td_block_wrap td_block_7 td_block_widget">'
                    '<div class="td-block-title-wrap"><h4 class="block-title">'
                    f'<span class="td-pulldown-size">{title}</span></h4></div>'
                    f'<div class="td_block_inner">{mods}</div></div>\n')

        return ('<div class="td-pb-span4 td-main-sidebar" role="complementary">'
                '<div class="td-ss-main-sidebar">\n'
                + block("Tin mới", self.latest[:5]) + block("Xem nhiều", self.most_viewed[:4])
                + "</div></div>\n")

    def footer(self, L: Links) -> str:
        s = self.site
        pages = "".join(f'<li class="menu-item"><a href="{L(p.path)}">{E(p.title)}</a></li>'
                        for p in s.pages[:2])
        return (
            '<div class="td-footer-wrapper td-container-wrap"><div class="td-container">'
            '<div class="td-pb-row"><div class="td-pb-span12"><div class="footer-text-wrap">'
            f"{E(s.long_name)} – Tòa soạn: 12 Trần Hưng Đạo, thành phố Pleiku. Điện thoại: "
            "(0269) 3824 567.</div></div></div></div></div>\n"
            '<div class="td-sub-footer-container td-container-wrap"><div class="td-container">'
            '<div class="td-pb-row"><div class="td-pb-span td-sub-footer-menu">'
            f'<ul id="menu-footer" class="td-subfooter-menu">{pages}'
            f'<li class="menu-item"><a href="{L("/wp-login.php")}">Đăng nhập</a></li></ul></div>'
            '<div class="td-pb-span td-sub-footer-copy">&copy; Bản quyền thuộc '
            f"{E(s.long_name)}. Mọi hình thức sao chép phải ghi rõ nguồn."
            "</div></div></div></div>\n")

    def share(self, L: Links, post: Post, where: str) -> str:
        u = quote(self.site.url(self.site.post_path(post)), safe="")
        return (
            f'<div class="td-post-sharing-{where}"><div class="td-post-sharing td-ps-bg '
            'td-ps-notext"><div class="td-post-sharing-visible">'
            '<a class="td-social-sharing-button td-social-facebook" href="'
            f'{L("https://www.facebook.com/sharer.php?u=" + u)}" title="Facebook">'
            '<div class="td-social-but-icon"><i class="td-icon-facebook"></i></div>'
            '<div class="td-social-but-text">Facebook</div></a>'
            '<a class="td-social-sharing-button td-social-twitter" href="'
            f'{L("https://twitter.com/intent/tweet?url=" + u)}" title="Twitter">'
            '<div class="td-social-but-icon"><i class="td-icon-twitter"></i></div>'
            '<div class="td-social-but-text">Twitter</div></a>'
            "</div></div></div>\n")

    def thumb_item(self, L: Links, post: Post, *, excerpt_words: int = 0,
                   heading: str = "h3") -> str:
        s = self.site
        url = L(s.post_path(post))
        author = s.users[post.author]
        ex = (f'<div class="td-excerpt">{E(excerpt(post, excerpt_words))}</div>'
              if excerpt_words else "")
        return (
            '<div class="td_module_10 td_module_wrap td-animation-stack">'
            f'<div class="td-module-thumb"><a href="{url}" rel="bookmark" class="td-image-wrap" '
            f'title="{E(post.title)}"><img width="218" height="150" class="entry-thumb" src="'
            f'{L(s.upload(s.thumb_file(post)), "req")}" alt="" title="{E(post.title)}"/></a></div>'
            f'<div class="item-details"><{heading} class="entry-title td-module-title"><a '
            f'href="{url}" rel="bookmark" title="{E(post.title)}">{E(post.title)}</a></{heading}>'
            '<div class="td-module-meta-info"><span class="td-post-author-name"><a href="'
            f'{L(author.path)}">{E(author.name)}</a> <span>-</span> </span>'
            '<span class="td-post-date"><time class="entry-date updated td-module-date" '
            f'datetime="{iso(post.moment)}">{post.moment:%d/%m/%Y}</time></span></div>'
            f"{ex}</div></div>\n")

    def pagination(self, L: Links, base: str, page_no: int, pages: int) -> str:
        if pages <= 1:
            return ""
        out = []
        if page_no > 1:
            out.append(f'<a href="{L(self.paged(base, page_no - 1))}"><i class="td-icon-menu-left">'
                       "</i></a>")
        for n in self.page_window(page_no, pages):
            if n is None:
                out.append('<span class="extend">...</span>')
            elif n == page_no:
                out.append(f'<span class="current">{n}</span>')
            else:
                out.append(f'<a href="{L(self.paged(base, n))}" class="page" title="{n}">{n}</a>')
        if page_no < pages:
            out.append(f'<a href="{L(self.paged(base, page_no + 1))}">'
                       '<i class="td-icon-menu-right">'
                       "</i></a>")
        out.append(f'<span class="pages">Trang {page_no} của {pages}</span>')
        return f'<div class="page-nav td-pb-padding-side">{"".join(out)}</div>\n'

    def listing(self, *, base: str, title: str, heading: str, posts: Sequence[Post],
                page_no: int, pages: int, body_class: str, feed: str | None = None,
                featured: bool = False) -> tuple[str, Links]:
        doc, L = super().listing(base=base, title=title, heading=heading, posts=posts,
                                 page_no=page_no, pages=pages, body_class=body_class, feed=feed,
                                 featured=featured)
        doc = (doc.replace('<main id="main" class="site-main col-md-8">',
                           '<div class="td-pb-span8 td-main-content" role="main">'
                           '<div class="td-ss-main-content">', 1)
               .replace("</main>\n", "</div></div>\n", 1))
        return doc, L

    def single(self, post: Post, page_no: int, *, related: Sequence[Post],
               older: Post | None, newer: Post | None) -> tuple[str, Links]:
        s = self.site
        L = Links(s.origin)
        cats = [s.categories[k] for k in post.cats]
        author = s.users[post.author]
        head = self.head_post(L, post, page_no, excerpt(post, 30))
        cat_list = "".join(f'<li class="entry-category"><a href="{L(c.path)}">{E(c.name)}</a></li>'
                           for c in cats)
        date_html = ""
        if post.show_date:
            date_html = ('<span class="td-post-date"><time class="entry-date updated '
                         f'td-module-date" datetime="{iso(post.moment)}">'
                         f"{post.moment:%d/%m/%Y}</time></span>")
        tags = ""
        if post.tags:
            tags = ('<div class="td-post-source-tags"><ul class="td-tags td-post-small-box '
                    'clearfix"><li><span>TAGS</span></li>' + "".join(
                        f'<li><a href="{L(self.tag_path(t))}">'
                        f"{E(t)}</a></li>" for t in post.tags) + "</ul></div>\n")
        nav = ['<div class="td-block-row td-post-next-prev">']
        if older:
            nav.append('<div class="td-block-span6 td-post-prev-post"><div '
                       'class="td-post-next-prev-content"><span>Bài trước</span>'
                       f'<a href="{L(s.post_path(older))}">{E(older.title)}</a></div></div>')
        if newer:
            nav.append('<div class="td-block-span6 td-post-next-post"><div '
                       'class="td-post-next-prev-content"><span>Bài tiếp theo</span>'
                       f'<a href="{L(s.post_path(newer))}">{E(newer.title)}</a></div></div>')
        nav.append("</div>\n")
        rel = "".join(
            '<div class="td-related-span4"><div class="td_module_related_posts td-animation-stack '
            'td_mod_related_posts"><div class="td-module-image"><div class="td-module-thumb">'
            f'<a href="{L(s.post_path(p))}" rel="bookmark" class="td-image-wrap" '
            f'title="{E(p.title)}"><img class="entry-thumb" src="'
            f'{L(s.upload(s.thumb_file(p)), "req")}" alt="" title="{E(p.title)}"/></a></div>'
            '</div><div class="item-details"><h3 class="entry-title td-module-title"><a href="'
            f'{L(s.post_path(p))}" rel="bookmark" title="{E(p.title)}">{E(p.title)}</a></h3>'
            "</div></div></div>" for p in related)
        main = (
            '<div class="td-pb-span8 td-main-content" role="main">'
            '<div class="td-ss-main-content">\n'
            '<div class="td-crumb-container"><div class="entry-crumbs"><span><a title="" '
            f'class="entry-crumb" href="{L("/")}">Trang chủ</a></span> <i class="td-icon-right '
            f'td-bread-sep"></i> <span><a class="entry-crumb" href="{L(cats[0].path)}">'
            f"{E(cats[0].name)}</a></span></div></div>\n"
            f'<article id="post-{post.id}" class="post-{post.id} post type-post status-publish '
            f'format-{post.fmt} hentry" itemscope itemtype="https://schema.org/Article">\n'
            '<div class="td-post-header">\n'
            f'<ul class="td-category">{cat_list}</ul>\n'
            f'<header class="td-post-title"><h1 class="entry-title">{E(post.title)}</h1>\n'
            '<div class="td-module-meta-info"><div class="td-post-author-name"><div '
            f'class="td-author-by">Bởi</div> <a href="{L(author.path)}">{E(author.name)}</a>'
            f'<div class="td-author-line"> - </div></div>{date_html}'
            f'<div class="td-post-comments"><a href="{L(s.post_path(post) + "#respond")}">'
            f'<i class="td-icon-comments"></i>{len(post.comments)}</a></div>'
            f'<div class="td-post-views"><i class="td-icon-views"></i><span class="td-nr-views-'
            f'{post.id}">{post.id * 7 % 1000 + 100}</span></div></div>\n'
            "</header>\n</div>\n"
            f"{self.share(L, post, 'top')}"
            f'<div class="{self.content_class}">\n{self.body_html(L, post, page_no)}</div>\n'
            f"<footer>\n{tags}{self.share(L, post, 'bottom')}{''.join(nav)}"
            '<div class="td-author-name vcard author" style="display: none"><span class="fn">'
            f'<a href="{L(author.path)}">{E(author.name)}</a></span></div>\n'
            "</footer>\n</article>\n"
            '<div class="td_block_wrap td_block_related_posts"><h4 class="td-related-title">'
            '<a class="td-related-left td-cur-simple-item" href="#">BÀI LIÊN QUAN</a></h4>'
            f'<div class="td_block_inner"><div class="td-related-row">{rel}</div></div></div>\n'
            f"{self.comments_html(L, post)}"
            "</div></div>\n")
        body_class = (f"post-template-default single single-post postid-{post.id} "
                      f"single-format-{post.fmt}")
        charset = "windows-1258" if post.encoding == "cp1258" else "UTF-8"
        doc = self.document(L, title=self.title_of(post.title), body_class=body_class,
                            main=main, head=head, charset=charset)
        return doc, L
