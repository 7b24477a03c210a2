"""WARC and HTTP: records, writing, reading, indexing, validating, WACZ packaging.

This package knows web archives and HTTP, never articles, and imports neither Scrapy nor
trafilatura. ``crawler`` depends on it, never the other way round.
"""
