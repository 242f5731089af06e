"""Query parameters many lists share, declared once with what they accept (分页参数)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT

# A cursor is opaque: the `next_cursor` of the page before, base64url without padding. A string
# of that alphabet the server did not make is still refused (422 naming `cursor`).
CURSOR_FIELD: dict[str, Any] = {
    "pattern": r"^[A-Za-z0-9_-]*$",
    "description": "the `next_cursor` of the previous page (opaque); absent or empty: the first",
    "json_schema_extra": {"format": "cursor"},
}

Cursor = Annotated[str | None, Query(**CURSOR_FIELD)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="items a page")]

__all__ = ["CURSOR_FIELD", "DEFAULT_LIMIT", "Cursor", "Limit"]
