"""Record ids in URLs: decimal strings of 32-bit integers; anything else names nothing."""

from __future__ import annotations

MAX_ID = 2**31 - 1


def parse_id(text: str) -> int | None:
    """The id a string names, or None (not ASCII digits, or beyond a 32-bit integer)."""
    if not (text.isascii() and text.isdigit()) or len(text) > 10:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None
