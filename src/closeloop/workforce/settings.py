"""Workforce business settings (业务参数): service-level target, handling time, load alerts."""

from __future__ import annotations

from typing import Any

from closeloop.runtime.business import BusinessSetting, positive_int, positive_number


def _fraction(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < 1:
        raise ValueError("must be a fraction between 0 and 1, e.g. 0.8")
    return float(value)


TARGET_SL = BusinessSetting(
    "wfm.target_sl", "服务水平目标", "Service-level target",
    lambda s: 0.8, _fraction, unit="0–1",
)  # fmt: skip
TARGET_SECONDS = BusinessSetting(
    "wfm.target_seconds", "服务水平接通时限", "Answered within (service level)",
    lambda s: 20, positive_int, unit="s",
)  # fmt: skip
AHT_SECONDS = BusinessSetting(
    "wfm.aht_seconds", "平均处理时长", "Average handling time",
    lambda s: 240, positive_number, unit="s",
)  # fmt: skip
ALERT_DEVIATION = BusinessSetting(
    "wfm.alert_deviation", "话务偏差预警阈值", "Load alert: contacts above forecast by",
    lambda s: 0.2, _fraction, unit="0–1",
)  # fmt: skip

SETTINGS = (TARGET_SL, TARGET_SECONDS, AHT_SECONDS, ALERT_DEVIATION)
