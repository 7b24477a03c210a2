"""``Request.meta`` keys shared by the spider, the capture middlewares and the replay
handler: the one place they are spelt.

Who sets and who reads each:

- ``PROVENANCE``: a :class:`crawler.items.Provenance` of the response record. Set by
  ``crawler.middlewares.WarcCaptureMiddleware`` (or ``crawler.handlers`` when replaying
  from WARCs); read by the spider into ``PageCapture.provenance``.
- ``OUTLINKS``: every link the spider found on an HTML page (absolute URLs). Set by the
  spider during the callback; read by ``WarcMetadataMiddleware`` (the metadata record).
- ``FETCH_START``, ``RECORD_ID``: the capture middleware's own (fetch time, the
  response record's id for the metadata record's references).
- ``POST``: the pages gathered so far of a multi-page post (the spider's chain).
- ``KIND``: what the spider expects behind a request (stats, priorities).
- ``API_PAGE``: the page number of a WordPress REST API listing.
- ``PREVIOUS``: the :class:`crawler.state.UrlState` of the URL's last full capture in
  the archive. Set by ``crawler.incremental.ConditionalRequestMiddleware`` (with the
  conditional headers); read by the capture middleware (revisit records).

Response flags: ``ARCHIVED`` marks a response answered from the crawl's own archive when
an interrupted crawl resumes (``crawler.resume``), or a robots.txt that another worker of
a shared crawl fetched and archived (``crawler.frontier.SharedRobotsTxt``): the capture
middleware does not archive it again. ``UNCHANGED`` marks a response found unchanged
since the last full capture (a 304, or the same payload: archived as a ``revisit``
record by the capture middleware); the spider carries it into ``PostItem.unchanged``.
"""

PROVENANCE = "newsarchive_warc"
OUTLINKS = "newsarchive_outlinks"
FETCH_START = "newsarchive_fetch_start"
RECORD_ID = "newsarchive_warc_record_id"
POST = "newsarchive_post"
KIND = "newsarchive_kind"
API_PAGE = "newsarchive_api_page"
ARCHIVED = "archived"
PREVIOUS = "newsarchive_previous"
UNCHANGED = "unchanged"
