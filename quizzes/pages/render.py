"""Markdown -> safe HTML for bank text.

markdown-it-py's CommonMark preset with raw HTML disabled, then nh3 with a small allow-list, so
nothing authored in a bank (or injected into one) reaches the page as live markup.
"""

from __future__ import annotations

from functools import lru_cache

import nh3
from markdown_it import MarkdownIt

from quizzes.pages import cite

ALLOWED_TAGS = {"p", "em", "strong", "ul", "ol", "li", "a", "code", "br", "sup", "sub"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
URL_SCHEMES = {"http", "https"}  # relative links pass; javascript:, data:, mailto: do not

_md = MarkdownIt("commonmark", {"html": False})


@lru_cache(maxsize=4096)
def markdown_html(text: str, links: bool = True) -> str:
    """Bank Markdown as clean HTML. Citation tokens ([@key], [#record]) become links into the
    book, or plain text with links=False (LMS exports live outside the book)."""
    text = cite.expand(text or "", _registry(), links=links)
    return nh3.clean(
        _md.render(text), tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES, link_rel="noopener"
    ).strip()


def _registry():
    # Not cached here: load_registry keeps one parse per version of the registry's files.
    from quizzes.parsing.registry import load_registry  # registry -> bank text -> render: import when used

    return load_registry()
