"""The ticket domain's business settings (业务参数): the service promise to customers."""

from __future__ import annotations

from typing import Any

from closeloop.runtime.business import BusinessSetting
from closeloop.tickets.choices import SEVERITIES, TYPES
from closeloop.tickets.sla import RESOLUTION_HOURS, SEGMENT_SERVICE

MAX_PRIORITY = 9


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


def _segment_service(value: Any) -> dict[str, dict[str, int | None]]:
    """Per value tier: `promise_hours` (1–720, or null for no cap) and `priority` (0–9)."""
    if not isinstance(value, dict) or not value:
        raise ValueError("must be an object of value tiers")
    table: dict[str, dict[str, int | None]] = {}
    for tier, row in value.items():
        if not isinstance(row, dict) or set(row) != {"promise_hours", "priority"}:
            raise ValueError(f"{tier}: give promise_hours and priority")
        hours, priority = row["promise_hours"], row["priority"]
        if hours is not None and (
            isinstance(hours, bool) or not isinstance(hours, int) or not 1 <= hours <= 720
        ):
            raise ValueError(f"{tier}.promise_hours: whole hours from 1 to 720, or null")
        if isinstance(priority, bool) or not isinstance(priority, int):
            raise ValueError(f"{tier}.priority: a whole number from 0 to {MAX_PRIORITY}")
        if not 0 <= priority <= MAX_PRIORITY:
            raise ValueError(f"{tier}.priority: a whole number from 0 to {MAX_PRIORITY}")
        table[str(tier)] = {"promise_hours": hours, "priority": priority}
    return table


PROMISE_HOURS = BusinessSetting(
    "tickets.promise_hours", "服务承诺时限（小时）", "Service promise to customers (hours)",
    lambda _s: RESOLUTION_HOURS, _promise_hours, unit="h",
)  # fmt: skip

SEGMENT_SERVICE_SETTING = BusinessSetting(
    "tickets.segment_service", "分级服务（各价值等级的承诺时限与优先级）",
    "Service by value tier (promise hours and queue priority)",
    lambda _s: SEGMENT_SERVICE, _segment_service,
)  # fmt: skip

SETTINGS = (PROMISE_HOURS, SEGMENT_SERVICE_SETTING)
