"""Pure value rules (价值规则): value tiers, behavioural groups, RFM scores, lifecycle stages.

Everything here is a function of a customer's history summary and the operator's rule tables;
no database, no clock. The tables are business settings (see `settings.py`), so an operator
changes a threshold without a release.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

STAGES = ("onboarding", "growth", "stable", "decline", "churned")
TIERS = ("diamond", "gold", "silver", "regular")


@dataclass(frozen=True)
class History:
    """What the rules read of one customer: months of bills (oldest first) and service."""

    tenure_months: int
    spend: Sequence[float]  # amount due per billed month, oldest first, up to the last 12
    months_since_last_bill: int  # 0 = billed for the latest period the operator has
    late_bills: int  # bills of the last 12 months paid after their due date or not at all
    complaints: int  # complaint tickets of the last 90 days
    unsatisfied: int  # unsatisfied callbacks of the last 90 days

    @property
    def monthly_spend(self) -> float:
        """Mean bill of the last six billed months."""
        recent = list(self.spend[-6:])
        return float(sum(recent) / len(recent)) if recent else 0.0

    @property
    def trend(self) -> float:
        """Change of the last three months' spend against the three before (−0.2 = down 20 %)."""
        if len(self.spend) < 6:  # two quarters are needed for a trend
            return 0.0
        before = sum(self.spend[-6:-3])
        after = sum(self.spend[-3:])
        return (after - before) / before if before > 0 else 0.0


def tier(history: History, tiers: Sequence[Mapping[str, object]]) -> str:
    """The first tier (highest first) whose spend and tenure floors the customer reaches."""
    for rule in tiers:
        spend_floor = float(str(rule["min_monthly_spend"]))
        tenure_floor = int(str(rule["min_tenure_months"]))
        if history.monthly_spend >= spend_floor and history.tenure_months >= tenure_floor:
            return str(rule["code"])
    return "regular"


def groups(history: History, limits: Mapping[str, float]) -> list[str]:
    """Behavioural groups (行为分群) the customer falls in, by the operator's limits."""
    found = []
    if history.late_bills >= limits["late_payer_bills"]:
        found.append("late_payer")
    if history.complaints + history.unsatisfied >= limits["complainer_tickets"]:
        found.append("complainer")
    if history.trend <= -limits["shrinking_share"]:
        found.append("shrinking")
    if history.trend >= limits["growing_share"]:
        found.append("growing")
    return found


def stage(history: History, limits: Mapping[str, float]) -> str:
    """Lifecycle stage (生命周期): onboarding, growth, stable, decline or churned."""
    if history.months_since_last_bill >= limits["churned_after_months"]:
        return "churned"
    if history.tenure_months < limits["onboarding_months"]:
        return "onboarding"
    if history.trend <= -limits["decline_share"]:
        return "decline"
    if history.trend >= limits["growth_share"]:
        return "growth"
    return "stable"


def quintiles(values: npt.NDArray[np.float64]) -> npt.NDArray[np.int_]:
    """Scores 1–5 by quintile among all customers (5 = highest); ties share the higher score."""
    if values.size == 0:
        return np.zeros(0, dtype=int)
    ranks = values.argsort(kind="stable").argsort(kind="stable")
    # ties: every equal value takes the highest rank of its group
    order = np.sort(values)
    top = np.searchsorted(order, values, side="right") - 1
    ranks = np.maximum(ranks, top)
    share = (ranks + 1) / values.size
    return np.ceil(share * 5).clip(1, 5).astype(int)


def rfm(
    months_since_paid: npt.NDArray[np.float64],
    paid_months: npt.NDArray[np.float64],
    monthly_spend: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int_], npt.NDArray[np.int_], npt.NDArray[np.int_]]:
    """RFM scores 1–5: recency of the last payment (recent = 5), frequency of paid months in
    the last 12, monetary value as the mean monthly bill."""
    return (
        quintiles(-months_since_paid),
        quintiles(paid_months),
        quintiles(monthly_spend),
    )
