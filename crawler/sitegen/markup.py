"""The corpus's inline markup, rendered to HTML (pages) or to plain text (gold).

A paragraph is plain text with two constructs:
- ``[anchor text](target)``: a link; target is a site path, a full URL, or a model
  reference resolved by the caller ('post:SLUG', 'p:SLUG', 'noslash:SLUG');
- ``**bold**``.
A paragraph starting with '## ' is a subheading (rendered as <h3>, kept in the text).
Hand-written because the corpus needs exactly these two constructs and a Markdown library
would add escaping rules the gold would then have to mirror.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
BOLD = re.compile(r"\*\*(.+?)\*\*")


def to_text(para: str) -> str:
    """Plain text as a reader sees it (links and bold removed, heading marker dropped)."""
    if para.startswith("## "):
        para = para[3:]
    para = LINK.sub(lambda m: m.group(1), para)
    return BOLD.sub(lambda m: m.group(1), para)


def links(para: str) -> list[str]:
    """The raw link targets of a paragraph, in order."""
    return [m.group(2) for m in LINK.finditer(para)]


def to_html(para: str, resolve: Callable[[str], str], *, origin: str,
            dash_entity: bool = True) -> str:
    """One paragraph as HTML (<p> or <h3>); ``resolve`` turns targets into hrefs.

    ``dash_entity`` writes ' – ' as ' &#8211; ' the way WordPress's wptexturize does.
    """
    heading = para.startswith("## ")
    if heading:
        para = para[3:]
    parts: list[str] = []
    pos = 0
    for m in LINK.finditer(para):
        parts.append(_inline(para[pos:m.start()], dash_entity))
        href = html.escape(resolve(m.group(2)), quote=True)
        external = href.startswith(("http://", "https://")) and not href.startswith(origin)
        rel = ' target="_blank" rel="noopener"' if external else ""
        parts.append(f'<a href="{href}"{rel}>{_inline(m.group(1), dash_entity)}</a>')
        pos = m.end()
    parts.append(_inline(para[pos:], dash_entity))
    body = "".join(parts)
    return f"<h3>{body}</h3>" if heading else f"<p>{body}</p>"


def _inline(text: str, dash_entity: bool) -> str:
    text = html.escape(text, quote=False)
    text = BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", text)
    if dash_entity:
        text = text.replace(" – ", " &#8211; ")
    return text
