"""How the API writes instants: ISO 8601 with an explicit offset (+00:00), never a bare Z."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from pydantic import PlainSerializer


def iso(value: datetime) -> str:
    """An aware instant as ISO 8601 in UTC with +00:00."""
    return value.astimezone(UTC).isoformat()


Timestamp = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json")]
