"""A customer's value picture as the console's customer panel shows it (价值视图)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from closeloop.value.choices import strategy_of
from closeloop.value.models import CustomerValue

REASONS_SHOWN = 3


@dataclass(frozen=True)
class ShownReason:
    """One reason of the churn risk: the feature, its value, whether it raises the risk."""

    feature: str
    value: str
    raises: bool


@dataclass(frozen=True)
class ValueSummary:
    """Tier, groups, RFM, CLV, lifecycle stage with its strategy, churn risk and reasons."""

    tier: str
    groups: list[str]
    r: int
    f: int
    m: int
    monthly_spend: float
    clv: float
    stage: str
    strategy: str
    churn_risk: float
    reasons: list[ShownReason]

    @property
    def risk_percent(self) -> int:
        """The churn risk in whole percent."""
        return round(100 * self.churn_risk)

    @property
    def risk_tone(self) -> str:
        """A badge tone for the risk: danger from 50 %, warn from 20 %."""
        if self.churn_risk >= 0.5:
            return "danger"
        return "warn" if self.churn_risk >= 0.2 else "ok"


def value_summary(session: Session, customer_id: int) -> ValueSummary | None:
    """The customer's value picture (None until the nightly recompute has run)."""
    row = session.get(CustomerValue, customer_id)
    if row is None:
        return None
    reasons = [
        ShownReason(str(r["feature"]), str(r["value"]), float(r["weight"]) > 0)
        for r in row.churn_factors[:REASONS_SHOWN]
    ]
    return ValueSummary(
        tier=row.segment,
        groups=[g for g in row.groups.split(",") if g],
        r=row.r,
        f=row.f,
        m=row.m,
        monthly_spend=float(row.monthly_spend),
        clv=float(row.clv),
        stage=row.lifecycle_stage,
        strategy=strategy_of(row.lifecycle_stage),
        churn_risk=row.churn_risk,
        reasons=reasons,
    )
