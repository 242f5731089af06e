"""An article's content as a plain dict — what a version freezes and the index reads."""

from __future__ import annotations

from datetime import date
from typing import Any

from closeloop.knowledge.models import Article

CONTENT_FIELDS = (
    "category",
    "question",
    "answer",
    "similar_questions",
    "tags",
    "valid_from",
    "valid_to",
    "script",
)


def content_of(article: Article) -> dict[str, Any]:
    """The article's working copy as a plain dict (dates as ISO strings), as versions keep it."""
    data: dict[str, Any] = {}
    for name in CONTENT_FIELDS:
        value = getattr(article, name)
        data[name] = value.isoformat() if isinstance(value, date) else value
    return data


def apply_content(article: Article, content: dict[str, Any]) -> None:
    """Copy a version's content into the working copy."""
    for name in CONTENT_FIELDS:
        value = content.get(name)
        if name in ("valid_from", "valid_to"):
            value = day(value)
        if name in ("similar_questions", "tags"):
            value = list(value or [])
        setattr(article, name, value)


def day(value: Any) -> date | None:
    """A date from an ISO string (or a date), None for nothing."""
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def is_expired(content: dict[str, Any], today: date) -> bool:
    """Whether today is outside the content's validity (有效期)."""
    start, end = day(content.get("valid_from")), day(content.get("valid_to"))
    return bool((start and today < start) or (end and today > end))
