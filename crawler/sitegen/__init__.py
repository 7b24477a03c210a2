"""Fixture sites: a kontumtv.vn-style WordPress site, its gold data, and a synthetic generator.

Modules:
- ``model``: the site model (posts, pages, categories, tags, users, comments) and URL rules;
- ``markup``: the tiny inline markup of the hand-written corpus (links, bold) to HTML / text;
- ``corpus``, ``corpus_tintaynguyen``: the hand-written Vietnamese articles of the two
  committed sites (the source of every gold record);
- ``links``: the recorder every emitted URL goes through (with its kind), so the expected
  crawl is computed from what pages really contain, never hand-listed;
- ``themes`` (``theme_kontumtv``, ``theme_newspaper``): page rendering;
- ``render``: a whole small site to files + link graph; ``assets``: tiny real images, CSS;
- ``policy``: the crawl policy of docs/ARCHITECTURE.md applied to the recorded link graph;
- ``build``: ``newsarchive fixtures build`` (the committed fixture sites, the table
  ``fixture_sites()``, gold records, deterministic all-or-nothing file writing);
- ``generate``: ``newsarchive fixtures generate`` (large synthetic sites, streaming).

Nothing here reads settings; nothing here touches the network.
"""

from __future__ import annotations
