"""The value domain's business settings (业务参数): tier floors, group and stage limits."""

from __future__ import annotations

from typing import Any

from closeloop.runtime.business import BusinessSetting

# highest first; the last tier has no floor (CONTRACT §10 segment codes)
DEFAULT_TIERS: list[dict[str, Any]] = [
    {"code": "diamond", "min_monthly_spend": 300, "min_tenure_months": 24},
    {"code": "gold", "min_monthly_spend": 150, "min_tenure_months": 12},
    {"code": "silver", "min_monthly_spend": 80, "min_tenure_months": 6},
    {"code": "regular", "min_monthly_spend": 0, "min_tenure_months": 0},
]
DEFAULT_LIMITS: dict[str, float] = {
    "late_payer_bills": 2,
    "complainer_tickets": 2,
    "shrinking_share": 0.2,
    "growing_share": 0.2,
    "churned_after_months": 2,
    "onboarding_months": 3,
    "decline_share": 0.15,
    "growth_share": 0.1,
}


def _tiers(value: Any) -> list[dict[str, Any]]:
    """A list of tiers, highest first, each with its code and two non-negative floors."""
    if not isinstance(value, list) or not value:
        raise ValueError("must be a list of tiers, highest first")
    tiers = []
    for i, row in enumerate(value):
        if not isinstance(row, dict) or not isinstance(row.get("code"), str):
            raise ValueError(f"tier {i + 1}: give code, min_monthly_spend, min_tenure_months")
        try:
            spend, tenure = float(row["min_monthly_spend"]), int(row["min_tenure_months"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"tier {i + 1}: floors must be numbers") from exc
        if spend < 0 or tenure < 0:
            raise ValueError(f"tier {i + 1}: floors cannot be negative")
        tiers.append({"code": row["code"], "min_monthly_spend": spend, "min_tenure_months": tenure})
    return tiers


def _limits(value: Any) -> dict[str, float]:
    """Every limit of DEFAULT_LIMITS, each a non-negative number."""
    if not isinstance(value, dict) or set(value) != set(DEFAULT_LIMITS):
        raise ValueError(f"give exactly {', '.join(DEFAULT_LIMITS)}")
    limits = {}
    for key, given in value.items():
        if isinstance(given, bool) or not isinstance(given, int | float) or given < 0:
            raise ValueError(f"{key}: a non-negative number")
        limits[key] = float(given)
    return limits


TIERS = BusinessSetting(
    "value.tiers", "客户价值等级（钻石/金/银/普通）", "Customer value tiers",
    lambda _s: DEFAULT_TIERS, _tiers,
)  # fmt: skip
LIMITS = BusinessSetting(
    "value.limits", "客户分群与生命周期阈值", "Behavioural group and lifecycle limits",
    lambda _s: DEFAULT_LIMITS, _limits,
)  # fmt: skip

SETTINGS = (TIERS, LIMITS)
