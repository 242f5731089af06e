"""ISO 8601 durations for minute counts (PT4H, PT1H30M)."""

from __future__ import annotations

import re

# At least one number; `T` only before hours or minutes; ASCII digits (as JSON Schema and
# pydantic's regex engine read it: no look-arounds).
_HOURS_MINUTES = r"(?:[0-9]+H(?:[0-9]+M)?|[0-9]+M)"
DURATION_PATTERN = rf"^P(?:[0-9]+D(?:T{_HOURS_MINUTES})?|T{_HOURS_MINUTES})$"
_WELL_FORMED = re.compile(DURATION_PATTERN.removesuffix("$") + r"\Z")
_DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$")


def minutes_to_iso(minutes: int) -> str:
    """PT4H for 240 minutes; hours are not folded into days (business time is not 24 h a day)."""
    hours, rest = divmod(minutes, 60)
    if minutes == 0:
        return "PT0M"
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest else "")


def iso_to_minutes(text: str) -> int:
    """Minutes in an ISO 8601 duration of days, hours and minutes."""
    match = _DURATION.match(text) if _WELL_FORMED.match(text) else None
    if not match:
        raise ValueError(f"not an ISO 8601 duration of days/hours/minutes: {text!r}")
    days, hours, minutes = (int(g) if g else 0 for g in match.groups())
    return days * 1440 + hours * 60 + minutes
