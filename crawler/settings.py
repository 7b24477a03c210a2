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
# Scrapy 2.19's remote-control HTTP server runs code it is sent: off, like the telnet console
REMOTE_CONTROL_ENABLED = False
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
    # Re-crawls (below DownloaderStats at 850, so a 304 is counted as received): conditional
    # requests from DIR/state.sqlite, 304s answered from the
    # archive, the state updated after each exchange (crawler.incremental).
    "crawler.incremental.ConditionalRequestMiddleware": 800,
    # Cut bodies retried then dropped, size cancellations and redirect loops counted,
    # pace settings range-checked (crawler.limits); just below the capture.
    "crawler.limits.ResponseLimitsMiddleware": 900,
    # RetryMiddleware + Retry-After on 429/503 (Scrapy's does not wait): crawler.politeness.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.politeness.RetryAfterMiddleware": 550,
    # Scrapy's, counting when its decoded-size cap bites and dropping undecodable bodies.
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": None,
    "crawler.limits.LimitedHttpCompressionMiddleware": 590,
    # After decoding: binary served as HTML dropped, bad charsets and malformed XML counted.
    "crawler.limits.ContentChecksMiddleware": 580,
}

# --- Limits (crawler.limits; traps: crawler.traps) ----------------------------------
# Per response, as received AND decoded (Scrapy's HttpCompressionMiddleware applies
# DOWNLOAD_MAXSIZE while it decompresses): a news page is well under 5 MB, a photo under
# 20; a gzip bomb is stopped after 64 MiB of output instead of Scrapy's default 1 GiB.
DOWNLOAD_MAXSIZE = 64 * 1024 * 1024
DOWNLOAD_WARNSIZE = 16 * 1024 * 1024
# A body cut short reaches the capture (archived with WARC-Truncated: disconnect), then is
# retried like Scrapy's ResponseDataLossError (crawler.limits); Scrapy's default (True)
# would drop the bytes that did arrive.
DOWNLOAD_FAIL_ON_DATALOSS = False
REDIRECT_MAX_TIMES = 10          # Scrapy: 20; WordPress chains are 1-3 hops
NEWSARCHIVE_MAX_PAGINATION = 2000  # /page/N/ deeper than this is not followed (0: no cap)
NEWSARCHIVE_MIN_YEAR = 1995      # date archives (/YYYY/, ?m=YYYYMM) before this: a trap
NEWSARCHIVE_YEAR_SLACK = 1       # ... or this many years outside the post dates seen
NEWSARCHIVE_MAX_SEGMENT_REPEATS = 2  # /a/b/a/b/a/b/: a path segment run repeated more
NEWSARCHIVE_MAX_PATH_SEGMENTS = 16   # ... or a path deeper than this: a trap

# --- Extensions ------------------------------------------------------------------------
# robots.txt Crawl-delay (Scrapy ignores it): crawler.politeness.
# JOBDIR (set by newsarchive crawl) holds disk queues only: crawler.queues.
SCHEDULER = "crawler.queues.DiskQueueScheduler"
DUPEFILTER_CLASS = "crawler.queues.HashedDupeFilter"
SCHEDULER_DISK_QUEUE = "crawler.queues.PickleLifoDiskQueue"

EXTENSIONS = {
    "crawler.politeness.RobotsCrawlDelay": 0,
    # JOBDIR holds disk queues only (crawler.commands.crawl.fresh_jobdir): no spider.state.
    "scrapy.extensions.spiderstate.SpiderState": None,
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
    # Off: each spider middleware wraps every callback's output once more. No depth limit
    # is used (crawler.traps guards against traps), and the meta-copy warning is a
    # development aid for spiders that copy response.meta, which ours never does.
    "scrapy.spidermiddlewares.depth.DepthMiddleware": None,
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware": None,
}

# --- Article extraction (crawler.pipelines.ArticlePipeline) --------------------------
EXTRACT_WORKERS = "auto"         # processes extracting off the reactor thread; auto: CPUs
                                 # minus one, 1 to 4 (crawler.rebuild)
EXTRACT_MP_CONTEXT = "spawn"    # how workers start: spawn (children of the crawl, so they
                               # die with it), forkserver or fork
NEWSARCHIVE_ARTICLES = None      # articles.jsonl path; default ARCHIVE_DIR/articles.jsonl

# --- Crawl (crawler.spiders.wordpress, crawler.politeness, crawler.commands.crawl) ---------
NEWSARCHIVE_SITE = None          # site profile name (crawler.sites.PROFILES); None: by host
NEWSARCHIVE_PROFILE = None       # a profile defined in a sites file (JSON, crawler.sites)
NEWSARCHIVE_SINCE = None         # ISO date: skip posts older than this (incremental crawls)
NEWSARCHIVE_STATE = True         # DIR/state.sqlite: re-crawls fetch less (crawler.incremental)
NEWSARCHIVE_FULL = False         # re-crawl: fetch every archived URL again (conditionally)
NEWSARCHIVE_RECRAWL_AGE = 30     # re-crawl: fetch an archived post again after N days (0: never)
NEWSARCHIVE_RUN_STARTED = None   # set by a resumed crawl: the interrupted crawl's start
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

# --- Scrapy commands ---------------------------------------------------------------------
# `scrapy crawl wordpress` checks its -a arguments before the crawl starts (one line).
COMMANDS_MODULE = "crawler.scrapy_commands"
