"""Pure rules of phone calls (话务规则): the caller's number and how long a call lasted."""

from __future__ import annotations

import re
from datetime import datetime

_DIGITS = re.compile(r"^\+?\d{3,20}$")


def caller_number(raw: str) -> str | None:
    """The caller's number as customers are filed (a mainland mobile without +86/0086), or None
    when it is no phone number at all."""
    value = raw.strip().replace(" ", "").replace("-", "")
    if not _DIGITS.match(value):
        return None
    value = value.lstrip("+")
    for prefix in ("0086", "86"):
        if value.startswith(prefix) and len(value) == len(prefix) + 11:
            return value[len(prefix) :]
    return value


def duration_seconds(
    ringing_at: datetime | None, answered_at: datetime | None, ended_at: datetime
) -> int:
    """Seconds of the call: from the answer (handling time) or, never answered, from ringing;
    never negative (the phone system's clocks may disagree a little)."""
    start = answered_at or ringing_at
    if start is None:
        return 0
    return max(0, round((ended_at - start).total_seconds()))
