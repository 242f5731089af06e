"""Problem management's business settings (业务参数): how long restoration is expected to take."""

from __future__ import annotations

from typing import Any

from closeloop.runtime.business import BusinessSetting


def _hours(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 168:
        raise ValueError("whole hours from 1 to 168")
    return value


RESTORE_HOURS = BusinessSetting(
    "problems.restore_hours", "故障预计恢复时长（小时）", "Expected restoration (hours)",
    lambda _s: 4, _hours, unit="h",
)  # fmt: skip

SETTINGS = (RESTORE_HOURS,)
