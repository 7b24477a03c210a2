"""Fixture sites: a kontumtv.vn-style WordPress site, its gold data, and a synthetic generator.

Modules:
- ``model``: the site model (posts, pages, categories, tags, users, comments) and URL rules;
- ``markup``: the tiny inline markup of the hand-written corpus (links, bold) to HTML / text;
- ``corpus``: the hand-written Vietnamese articles (the source of every gold record);
- ``themes``: page rendering (kontumtv theme, tagDiv "Newspaper" theme); every URL a page
  emits is recorded with its kind, so the expected crawl is computed, never hand-listed;
- ``policy``: the crawl policy of docs/ARCHITECTURE.md applied to the recorded link graph;
- ``output``: deterministic file writing (site/, routes.json, gold/);
- ``build``: ``newsarchive fixtures build`` (the committed fixture sites);
- ``generate``: ``newsarchive fixtures generate`` (large synthetic sites, streaming).

Nothing here reads settings; nothing here touches the network.
"""

from __future__ import annotations
