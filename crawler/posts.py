"""Multi-page posts: the spider's chain of requests for a post's later pages.

A post split with ``<!--nextpage-->`` is one article: the spider (``crawler.spiders.wordpress``)
requests its page 2 once page 1 is in, page 3 once page 2 is in, and so on, carrying the
pages gathered so far in ``request.meta[crawler.meta.POST]``; the last page (or a page that
fails) yields one :class:`crawler.items.PostItem` with every page, in order. A mixin of the
spider: it uses the spider's ``_make`` (budget, stats) and ``crawler``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from scrapy.http import Response, TextResponse

from crawler import incremental, meta
from crawler.items import PageCapture, PostItem, Provenance


class PostChainMixin:
    """``_capture``, ``_chain``, ``_post_continued`` and ``_post_page_failed``."""

    crawler: Any
    logger: Any
    _make: Any

    def _capture(self, response: Response) -> PageCapture:
        prov = response.meta.get(meta.PROVENANCE)
        return PageCapture(url=response.url, body=response.body,
                           headers={k.decode("latin-1"): v[0].decode("latin-1")
                                    for k, v in response.headers.items() if v},
                           provenance=prov if isinstance(prov, Provenance) else None)

    def _chain(self, first_url: str, gathered: list[PageCapture], rest: list[str],
               canonical: str, unchanged: bool) -> Iterator[Any]:
        state = {"url": first_url, "pages": gathered, "rest": rest[1:], "canonical": canonical,
                 "unchanged": unchanged}
        reqs = self._make(rest[0], "post-page", force=True, extra={meta.POST: state},
                          errback=self._post_page_failed)
        if not reqs:  # over --max-pages: the article is what we have
            self.crawler.stats.inc_value("newsarchive/posts/incomplete")
            self.crawler.stats.inc_value("newsarchive/posts")
            yield PostItem(url=first_url, pages=tuple(gathered), canonical=canonical)
            return
        yield reqs[0]

    def _post_continued(self, response: TextResponse, state: dict[str, Any]) -> Iterator[Any]:
        gathered = [*state["pages"], self._capture(response)]
        unchanged = state["unchanged"] and incremental.unchanged(response)
        if state["rest"]:
            yield from self._chain(state["url"], gathered, state["rest"], state["canonical"],
                                   unchanged)
            return
        self.crawler.stats.inc_value("newsarchive/posts")
        yield PostItem(url=state["url"], pages=tuple(gathered), canonical=state["canonical"],
                       unchanged=unchanged)

    def _post_page_failed(self, failure: Any) -> Iterator[Any]:
        """A later page of a post failed (404, timeout): the article is made of the pages
        that arrived, and the gap is counted."""
        request = getattr(failure, "request", None) or getattr(
            getattr(failure, "value", None), "response", None)
        state = None
        if request is not None and hasattr(request, "meta"):
            state = request.meta.get(meta.POST)
        if state is None:
            return
        self.logger.warning("Page of a multi-page post failed: %(url)s (%(error)s)",
                            {"url": request.url, "error": failure.getErrorMessage()})
        self.crawler.stats.inc_value("newsarchive/posts/incomplete")
        self.crawler.stats.inc_value("newsarchive/posts")
        yield PostItem(url=state["url"], pages=tuple(state["pages"]),
                       canonical=state["canonical"])
