"""WARC and HTTP: writing, reading, indexing, validating, replaying and exporting.

This package knows web archives and HTTP, never articles, and imports neither Scrapy nor
trafilatura. ``crawler`` depends on it, never the other way round.
"""
