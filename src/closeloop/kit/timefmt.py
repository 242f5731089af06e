"""How the API writes instants: ISO 8601 with an explicit offset (+00:00), never a bare Z."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer


def iso(value: datetime) -> str:
    """An aware instant as ISO 8601 in UTC with +00:00."""
    return value.astimezone(UTC).isoformat()


Timestamp = Annotated[datetime, PlainSerializer(iso, return_type=str, when_used="json")]


_ISO_DATE_START = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def iso_text(value: object) -> object:
    """Dates and times come as ISO 8601 text: a number is not one (pydantic would read it as
    seconds since 1970, which the description's `format` does not allow)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("expected ISO 8601 text, not a number")
    if isinstance(value, str) and not _ISO_DATE_START.match(value):
        raise ValueError("expected ISO 8601 text such as 2026-11-23 or 2026-11-23T10:00:00+08:00")
    return value


# Input dates and instants as the description declares them (format date / date-time).
IsoDate = Annotated[date, BeforeValidator(iso_text)]
IsoInstant = Annotated[datetime, BeforeValidator(iso_text)]
