"""Training the operator's churn model on its own customers (`churn retrain`, monthly job).

Features are taken as of three months before the newest bills; a customer active then is
labelled as having left when their bills stopped within those three months. The model's
held-out figures (stratified 3-fold cross-validation) are stored beside it.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.kit.errors import Conflict
from closeloop.runtime.work import Work
from closeloop.value.churn_evaluation import cross_validate
from closeloop.value.churn_model import ChurnModel, fit
from closeloop.value.churn_table import FeatureTable
from closeloop.value.features import (
    FEATURES,
    IdRange,
    histories,
    latest_period,
    load_bills,
    load_customers,
    load_tickets,
    load_usage,
    month_end,
    period_index,
    period_of,
)
from closeloop.value.models import ChurnModelRun
from closeloop.value.settings import LIMITS

RISK_MONTHS = 3  # churn risk is the probability of leaving within this many months
MIN_EACH_CLASS = 10


@dataclass(frozen=True)
class Trained:
    """A stored churn model and its figures."""

    run_id: int
    rows: int
    auc: float | None
    brier: float | None
    description: str


def feature_table(frame: pl.DataFrame, names: tuple[str, ...] = FEATURES) -> FeatureTable:
    """The churn model's attributes of each customer row (missing values as NaN); `names`
    those a stored model was trained on, so a model older than a new feature still scores."""
    values = frame.select([pl.col(n).cast(pl.Float64).fill_null(np.nan) for n in names])
    return FeatureTable(names, tuple(() for _ in names), np.asarray(values.to_numpy(), float))


def recorded(frame: pl.DataFrame) -> tuple[str, ...]:
    """The features the operator has any data for (no usage records at all: no usage
    features), so a model is never shaped by columns that are missing for everyone."""
    return tuple(n for n in FEATURES if frame[n].null_count() < frame.height)


def snapshot(session: Session, as_of: int, between: IdRange = None) -> pl.DataFrame:
    """Customers' (of a block of ids: `between`) histories as of month index `as_of`, tickets
    of its last 90 days included."""
    end = month_end(period_of(as_of))
    return histories(
        load_bills(session, period_of(as_of), between=between),
        load_usage(session, period_of(as_of), between=between),
        load_tickets(session, end - timedelta(days=90), end, between=between),
        load_customers(session, between),
        as_of,
    )


def training_rows(session: Session, work: Work) -> tuple[pl.DataFrame, np.ndarray]:
    """Customers active RISK_MONTHS before the newest bills, and whether they then left."""
    latest = latest_period(session)
    if latest is None:
        raise Conflict("no bills yet: import bills before training the churn model")
    gone_after = work.business(LIMITS.key)["churned_after_months"]
    now = period_index(latest)
    then = snapshot(session, now - RISK_MONTHS)
    active = then.filter(
        (pl.col("months_billed") > 0) & (pl.col("months_since_last_bill") < gone_after)
    )
    later = snapshot(session, now).select("customer_id", "months_since_last_bill")
    joined = active.join(later, on="customer_id", suffix="_later")
    left = (joined["months_since_last_bill_later"] >= gone_after).to_numpy().astype(int)
    return joined, left


def train(session: Session, work: Work, seed: int = 7) -> Trained:
    """Fit, evaluate and store a new churn model."""
    rows, left = training_rows(session, work)
    if min(left.sum(), len(left) - left.sum()) < MIN_EACH_CLASS:
        raise Conflict(f"too few customers who left and stayed to learn from ({len(left)} rows)")
    table = feature_table(rows, recorded(rows))
    evaluation = cross_validate(table, left, folds=3)
    model = fit(table, left, seed=seed)
    run = ChurnModelRun(
        trained_at=work.now(),
        rows=len(left),
        auc=evaluation.auc,
        brier=evaluation.brier,
        base_rate=float(left.mean()),
        description=model.description,
        model=pickle.dumps(model),
    )
    session.add(run)
    session.flush()
    return Trained(run.id, run.rows, run.auc, run.brier, run.description)


def current_model(session: Session) -> ChurnModel | None:
    """The newest stored churn model."""
    blob = session.scalar(select(ChurnModelRun.model).order_by(ChurnModelRun.id.desc()).limit(1))
    return pickle.loads(blob) if blob is not None else None  # our own rows, never outside data
