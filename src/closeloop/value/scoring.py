"""Nightly value recompute (夜间重算): every customer's tier, groups, RFM, CLV, stage and risk.

Scores are vectorised over all customers (Polars + NumPy + one LightGBM call); only the tier,
group and stage rules run per row, over plain numbers. Tiers go to the customers service,
which writes and audits the changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import polars as pl
from sqlalchemy import delete
from sqlalchemy.orm import Session

from closeloop.customers.tiers import set_value_tiers
from closeloop.runtime.work import Work
from closeloop.value import rules
from closeloop.value.churn_model import ChurnModel
from closeloop.value.clv import lifetime_value
from closeloop.value.features import latest_period, period_index
from closeloop.value.models import CustomerValue, StageMonth
from closeloop.value.retention_effect import retention_effect
from closeloop.value.settings import LIMITS, TIERS
from closeloop.value.training import RISK_MONTHS, current_model, feature_table, snapshot

REASONS_LIMIT = 50_000


@dataclass(frozen=True)
class Recomputed:
    """What a recompute did."""

    customers: int
    tier_changes: int
    period: str | None


def _history(row: dict[str, object]) -> rules.History:
    return rules.History(
        tenure_months=int(str(row["tenure_months"])),
        spend=[float(v) for v in row["spend"]],  # type: ignore[attr-defined]
        months_since_last_bill=int(str(row["months_since_last_bill"])),
        late_bills=int(str(row["late_bills"])),
        complaints=int(str(row["complaints_90d"])),
        unsatisfied=int(str(row["unsatisfied_90d"])),
    )


def churn_risks(model: ChurnModel | None, frame: pl.DataFrame) -> np.ndarray:
    """Each customer's calibrated risk (no model yet: none)."""
    if model is None or frame.height == 0:
        return np.zeros(frame.height)
    return model.predict(feature_table(frame))


def churn_reasons(
    model: ChurnModel | None, frame: pl.DataFrame, rows: np.ndarray
) -> dict[int, list[dict[str, object]]]:
    """Reasons of some customers (row index → reasons). SHAP contributions cost ~15× a
    prediction, so the nightly job explains the REASONS_LIMIT customers worth most."""
    if model is None or rows.size == 0:
        return {}
    table = feature_table(frame[rows.tolist()])
    found = model.reasons(table)
    return {
        int(row): [{"feature": r.feature, "value": r.value, "weight": r.weight} for r in reasons]
        for row, reasons in zip(rows, found, strict=True)
    }


def recompute(session: Session, work: Work) -> Recomputed:
    """Recompute every customer's value picture as of the newest bills."""
    latest = latest_period(session)
    if latest is None:
        return Recomputed(0, 0, None)
    frame = snapshot(session, period_index(latest))
    model = current_model(session)
    risk = churn_risks(model, frame)
    spend = frame["monthly_spend"].to_numpy().astype(float)
    r, f, m = rules.rfm(
        frame["months_since_paid"].to_numpy().astype(float),
        frame["months_billed"].to_numpy().astype(float),
        spend,
    )
    gone = (
        frame["months_since_last_bill"].to_numpy()
        >= work.business(LIMITS.key)["churned_after_months"]
    )
    risk = np.where(gone, 1.0, risk)
    clv = np.where(gone, 0.0, lifetime_value(spend, risk, RISK_MONTHS))
    effect = retention_effect(session).effect
    expected = risk * clv * effect
    reasons = churn_reasons(model, frame, np.argsort(-expected, kind="stable")[:REASONS_LIMIT])
    tiers, limits = work.business(TIERS.key), work.business(LIMITS.key)
    given: dict[int, str] = {}
    session.execute(delete(StageMonth).where(StageMonth.period == latest))
    for i, row in enumerate(frame.iter_rows(named=True)):
        history = _history(row)
        segment = rules.tier(history, tiers)
        stage = rules.stage(history, limits)
        customer_id = int(row["customer_id"])
        given[customer_id] = segment
        session.merge(
            CustomerValue(
                customer_id=customer_id,
                segment=segment,
                groups=",".join(rules.groups(history, limits)),
                r=int(r[i]),
                f=int(f[i]),
                m=int(m[i]),
                monthly_spend=Decimal(f"{spend[i]:.2f}"),
                clv=Decimal(f"{clv[i]:.2f}"),
                lifecycle_stage=stage,
                churn_risk=round(float(risk[i]), 4),
                churn_factors=reasons.get(i, []),
                expected_value=Decimal(f"{expected[i]:.2f}"),
                computed_at=work.now(),
            )
        )
        session.add(StageMonth(customer_id=customer_id, period=latest, stage=stage))
    session.flush()
    changes = set_value_tiers(session, work.actor, given, clock=work.clock)
    return Recomputed(frame.height, changes, latest)
