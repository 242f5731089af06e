"""The ticket domain's business settings (业务参数): the service promise to customers."""

from __future__ import annotations

from typing import Any

from closeloop.runtime.business import BusinessSetting
from closeloop.tickets.choices import SEVERITIES, TYPES
from closeloop.tickets.sla import RESOLUTION_HOURS


def _promise_hours(value: Any) -> dict[str, dict[str, int]]:
    """Hours by ticket type and severity; every type and severity, whole hours of at least 1."""
    if not isinstance(value, dict):
        raise ValueError("must be an object of ticket types")
    missing = sorted(set(TYPES.codes) - set(value))
    unknown = sorted(set(value) - set(TYPES.codes))
    if missing or unknown:
        raise ValueError(f"ticket types must be exactly {', '.join(TYPES.codes)}")
    hours: dict[str, dict[str, int]] = {}
    for kind in TYPES.codes:
        row = value[kind]
        if not isinstance(row, dict) or set(row) != set(SEVERITIES.codes):
            raise ValueError(f"{kind}: give hours for {', '.join(SEVERITIES.codes)}")
        for severity in SEVERITIES.codes:
            given = row[severity]
            if isinstance(given, bool) or not isinstance(given, int) or not 1 <= given <= 720:
                raise ValueError(f"{kind}.{severity}: whole hours from 1 to 720")
        hours[kind] = {s: int(row[s]) for s in SEVERITIES.codes}
    return hours


PROMISE_HOURS = BusinessSetting(
    "tickets.promise_hours", "服务承诺时限（小时）", "Service promise to customers (hours)",
    lambda _s: RESOLUTION_HOURS, _promise_hours, unit="h",
)  # fmt: skip

SETTINGS = (PROMISE_HOURS,)
