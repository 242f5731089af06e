"""Markdown answers rendered safely (raw HTML escaped, only http(s)/mailto/tel links)."""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "/", "#")


@lru_cache(maxsize=1)
def _renderer() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable("table")
    md.validateLink = lambda url: url.strip().lower().startswith(SAFE_SCHEMES)  # type: ignore[method-assign]
    return md


def markdown_html(text: str) -> str:
    """HTML for a Markdown answer; any HTML in the source is shown as text, never run."""
    return str(_renderer().render(text))


def plain_text(text: str) -> str:
    """The answer without Markdown marks, for the chat reply and search snippets."""
    tokens = _renderer().parse(text)
    parts: list[str] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            parts.append(
                "".join(c.content for c in token.children if c.type in ("text", "code_inline"))
            )
        elif token.type in ("paragraph_close", "list_item_close", "heading_close"):
            parts.append("\n")
    return "".join(parts).strip().replace("\n\n", "\n")
