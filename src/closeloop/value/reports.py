"""What the analyst page reads (价值分析): segment sizes, lifecycle flows month to month, the
churn-risk distribution. Set-based queries over the nightly value pictures and stage months."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from closeloop.value.choices import STAGES, TIERS
from closeloop.value.models import CustomerValue, StageMonth

RISK_BINS = 10


@dataclass(frozen=True)
class SegmentSize:
    """One value tier: how many customers, their mean CLV and churn risk."""

    tier: str
    customers: int
    mean_clv: float
    mean_risk: float


@dataclass(frozen=True)
class Flow:
    """Customers who were in `from_stage` one month and in `to_stage` the next."""

    period: str  # the later month
    from_stage: str
    to_stage: str
    customers: int


def segment_sizes(session: Session) -> list[SegmentSize]:
    """Every tier (highest first) with its size, zero when empty."""
    rows = session.execute(
        select(
            CustomerValue.segment,
            func.count(),
            func.avg(CustomerValue.clv),
            func.avg(CustomerValue.churn_risk),
        ).group_by(CustomerValue.segment)
    ).all()
    found = {str(t): (int(n), float(c or 0), float(r or 0)) for t, n, c, r in rows}
    order = list(TIERS.codes) + sorted(set(found) - set(TIERS.codes))
    return [SegmentSize(t, *found.get(t, (0, 0.0, 0.0))) for t in order]


def stage_periods(session: Session, months: int) -> list[str]:
    """The newest `months` periods with stages, oldest first."""
    found = session.scalars(
        select(StageMonth.period).distinct().order_by(StageMonth.period.desc()).limit(months)
    ).all()
    return sorted(found)


def stage_counts(session: Session, periods: list[str]) -> dict[str, Counter[str]]:
    """Per period: customers in each stage."""
    counts: dict[str, Counter[str]] = {p: Counter() for p in periods}
    rows = session.execute(
        select(StageMonth.period, StageMonth.stage, func.count())
        .where(StageMonth.period.in_(periods))
        .group_by(StageMonth.period, StageMonth.stage)
    )
    for period, stage, n in rows:
        counts[period][stage] = int(n)
    return counts


def flows(session: Session, periods: list[str]) -> list[Flow]:
    """Stage transitions between each pair of consecutive periods (a self-join, one query)."""
    if len(periods) < 2:
        return []
    earlier, later = StageMonth.__table__.alias("a"), StageMonth.__table__.alias("b")
    pairs = list(pairwise(periods))
    found: list[Flow] = []
    for before, after in pairs:
        rows = session.execute(
            select(earlier.c.stage, later.c.stage, func.count())
            .select_from(earlier.join(later, earlier.c.customer_id == later.c.customer_id))
            .where(earlier.c.period == before, later.c.period == after)
            .group_by(earlier.c.stage, later.c.stage)
        )
        found += [Flow(after, str(a), str(b), int(n)) for a, b, n in rows]
    order = {s: i for i, s in enumerate(STAGES.codes)}
    return sorted(found, key=lambda f: (f.period, order.get(f.from_stage, 9),
                                        order.get(f.to_stage, 9)))  # fmt: skip


def risk_histogram(session: Session, bins: int = RISK_BINS) -> list[int]:
    """Customers still with us per churn-risk band (0–10 %, 10–20 % …, the last includes 100 %)."""
    # a CASE over the band edges: portable (PostgreSQL's CAST rounds, SQLite's truncates)
    risk = CustomerValue.churn_risk
    band = case(*((risk < (i + 1) / bins, i) for i in range(bins - 1)), else_=bins - 1)
    rows = session.execute(
        select(band, func.count()).where(CustomerValue.lifecycle_stage != "churned").group_by(band)
    )
    counts = [0] * bins
    for b, n in rows:
        counts[min(int(b or 0), bins - 1)] += int(n)
    return counts
