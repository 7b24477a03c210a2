"""Scrapy commands of the project (``COMMANDS_MODULE``): ``scrapy crawl`` with its
arguments checked before the crawl starts, so bad input is one line, not a traceback."""
