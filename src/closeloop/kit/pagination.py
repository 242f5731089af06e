"""Keyset cursor pagination: opaque cursors carrying the last row's sort key."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any, Protocol, TypeVar

from closeloop.kit.errors import InvalidInput

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


def encode_cursor(key: list[Any]) -> str:
    """An opaque, URL-safe cursor for a sort key."""
    raw = json.dumps(key, separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    """The sort key inside a cursor; 422 naming `cursor` when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidInput.field(["query", "cursor"], "not a valid cursor") from exc
    if not isinstance(key, list):
        raise InvalidInput.field(["query", "cursor"], "not a valid cursor")
    return key


def decode_id_cursor(cursor: str | None) -> int | None:
    """The id inside a cursor made by `encode_cursor([id])`, or None for the first page."""
    if not cursor:
        return None
    key = decode_cursor(cursor)
    if len(key) != 1 or not isinstance(key[0], int):
        raise InvalidInput.field(["query", "cursor"], "not a valid cursor")
    return key[0]


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


Row = TypeVar("Row", bound=_HasId)


def id_page(rows: Sequence[Row], limit: int) -> tuple[list[Row], str | None]:
    """A page of `limit` rows fetched as `limit + 1`, and the cursor after it (None: last page)."""
    page = list(rows[:limit])
    return page, encode_cursor([page[-1].id]) if len(rows) > limit else None
