"""The Scrapy project: spiders, settings, middlewares, pipelines and article extraction."""

__version__ = "0.1.0"
