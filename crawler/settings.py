"""Scrapy settings for newsarchive: polite defaults, WARC capture, article pipeline.

Own keys: ARCHIVE_* (WARC output), EXTRACT_* (article extraction), NEWSARCHIVE_* (crawl).
Each component documents the keys it reads in its module docstring.
"""

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# --- Identity and politeness --------------------------------------------------------
NEWSARCHIVE_CONTACT_URL = "https://github.com/newsarchive/newsarchive"
USER_AGENT = f"newsarchive/0.1 (+{NEWSARCHIVE_CONTACT_URL}; web archiving of news sites)"
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.25
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
DOWNLOAD_TIMEOUT = 60
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# --- Downloader middlewares ----------------------------------------------------------
# WarcCaptureMiddleware sits above RedirectMiddleware (600), HttpCompressionMiddleware (590)
# and RetryMiddleware (550): it sees every exchange (redirects, retried 503s, robots.txt)
# with the body exactly as it came over the wire.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.WarcCaptureMiddleware": 950,
    # RetryMiddleware + Retry-After on 429/503 (Scrapy's does not wait): crawler.politeness.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.politeness.RetryAfterMiddleware": 550,
}

# --- Extensions ------------------------------------------------------------------------
# robots.txt Crawl-delay (Scrapy ignores it): crawler.politeness.
EXTENSIONS = {
    "crawler.politeness.RobotsCrawlDelay": 0,
}

# --- Item pipelines ------------------------------------------------------------------
ITEM_PIPELINES = {
    "crawler.pipelines.ArticlePipeline": 300,
}

# --- WARC output (crawler.middlewares.WarcCaptureMiddleware) ------------------------
ARCHIVE_DIR = None               # output folder; WARCs go to ARCHIVE_DIR/warc/
ARCHIVE_PREFIX = "newsarchive"
ARCHIVE_MAX_SIZE = 1_000_000_000  # rotate WARC files at this many bytes
ARCHIVE_GZIP_LEVEL = 6           # as small as 9 on HTML, faster
ARCHIVE_OPERATOR = None          # warcinfo 'operator' field
ARCHIVE_CAPTURE_REPLAY = False   # write new WARCs also when replaying (--replay-from)
# Content codings every WARC reader and pywb can undo: Scrapy 2.19 would also advertise
# br and zstd, which archive.reader (zstd), older readers and replay tools cannot decode.
# Scrapy's default Accept kept; Vietnamese preferred.
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "vi,en;q=0.8",
    "Accept-Encoding": "gzip, deflate",
}
NEWSARCHIVE_REPLAY_FROM = None   # WARC files/folders to serve every request from (no network)

# --- Spider middlewares --------------------------------------------------------------
# WarcMetadataMiddleware (950: closest to the spider, sees its raw output) writes a WARC
# metadata record per HTML page with the outlinks the spider recorded.
SPIDER_MIDDLEWARES = {
    "crawler.middlewares.WarcMetadataMiddleware": 950,
}

# --- Article extraction (crawler.pipelines.ArticlePipeline) --------------------------
EXTRACT_WORKERS = "auto"         # processes extracting off the reactor thread; auto: CPUs
                                 # minus one, 1 to 4 (crawler.rebuild)
EXTRACT_MP_CONTEXT = "forkserver"  # how workers start: forkserver, spawn or fork
NEWSARCHIVE_ARTICLES = None      # articles.jsonl path; default ARCHIVE_DIR/articles.jsonl

# --- Crawl (crawler.spiders.wordpress, crawler.politeness, crawler.commands.crawl) ---------
NEWSARCHIVE_SITE = None          # site profile name (crawler.sites.PROFILES); None: by host
NEWSARCHIVE_SINCE = None         # ISO date: skip posts older than this (incremental crawls)
NEWSARCHIVE_MAX_PAGES = 0        # stop scheduling pages after this many (0: no limit)
NEWSARCHIVE_REQUISITES = True    # fetch same-host stylesheets, scripts, images, fonts
NEWSARCHIVE_SRCSET = "all"       # 'all': every srcset candidate is a requisite; 'none'
NEWSARCHIVE_WPJSON = "auto"      # REST API: 'auto' (advertised and nothing else lists posts),
                                 # 'always' (advertised), 'never'
NEWSARCHIVE_RETRY_AFTER_MAX = 300  # longest Retry-After (s) waited for; longer: give up
NEWSARCHIVE_MAX_CRAWL_DELAY = 10   # robots.txt Crawl-delay honoured up to this (s)
NEWSARCHIVE_PROGRESS_INTERVAL = 0  # seconds between progress lines of `newsarchive crawl`
# Scrapy 2.19 starts CONCURRENT_ITEMS asyncio tasks per response to handle its callback
# output; the spider yields a handful of requests and at most one item per page, and the
# default 100 cost ~25% of the crawl's CPU (bench/crawl.py).
CONCURRENT_ITEMS = 16
