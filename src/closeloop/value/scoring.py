"""Nightly value recompute (夜间重算): every customer's tier, groups, RFM, CLV, stage and risk.

Customers are taken in blocks of ids (bounded memory: one block's histories at a time). The
first pass reads each block's features set-based (bills, usage, tickets), scores them in one
LightGBM call, runs the tier, group and stage rules and keeps only a few numbers per customer,
plus the features of the REASONS_LIMIT customers worth most so far. RFM quintiles need every
customer, so they come after the first pass; then the reasons (SHAP) of the customers worth
most; the second pass writes each block's value pictures and stage months set-wise
(`value_store`: COPY on PostgreSQL) and gives its tiers through the customers service, which
writes and audits the changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer
from closeloop.customers.tiers import set_value_tiers
from closeloop.runtime.work import Work
from closeloop.value import rules
from closeloop.value.churn_model import ChurnModel
from closeloop.value.churn_table import FeatureTable
from closeloop.value.clv import lifetime_value
from closeloop.value.features import latest_period, period_index
from closeloop.value.models import StageMonth
from closeloop.value.retention_effect import retention_effect
from closeloop.value.settings import LIMITS, TIERS
from closeloop.value.training import RISK_MONTHS, current_model, feature_table, snapshot
from closeloop.value.value_store import add_stage_months, replace_values

REASONS_LIMIT = 50_000
BLOCK = 100_000  # customer ids per block
Reasons = list[dict[str, object]]
Progress = Callable[[int], None]  # told how many customers each block held


@dataclass(frozen=True)
class Recomputed:
    """What a recompute did."""

    customers: int
    tier_changes: int
    period: str | None


def churn_risks(model: ChurnModel | None, frame: pl.DataFrame) -> np.ndarray:
    """Each customer's calibrated risk (no model yet: none)."""
    if model is None or frame.height == 0:
        return np.zeros(frame.height)
    return model.predict(feature_table(frame, model.table_names))


def _reasons_of(model: ChurnModel, table: FeatureTable) -> list[Reasons]:
    return [
        [{"feature": r.feature, "value": r.value, "weight": r.weight} for r in reasons]
        for reasons in model.reasons(table)
    ]


@dataclass
class _Scores:
    """What the first pass keeps of each block: a few numbers per customer."""

    ids: list[npt.NDArray[np.int64]] = field(default_factory=list)
    codes: list[npt.NDArray[np.int16]] = field(default_factory=list)  # tier, stage, groups
    numbers: list[npt.NDArray[np.float64]] = field(default_factory=list)  # see NUMBERS
    groups: dict[str, int] = field(default_factory=dict)  # a customer's groups → a code
    top_ids: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    top_worth: npt.NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    top_values: npt.NDArray[np.float64] | None = None

    def keep_top(self, ids: np.ndarray, worth: np.ndarray, values: np.ndarray) -> None:
        """Keep the features of the REASONS_LIMIT customers worth most so far."""
        all_ids = np.concatenate([self.top_ids, ids])
        all_worth = np.concatenate([self.top_worth, worth])
        all_values = values if self.top_values is None else np.vstack([self.top_values, values])
        best = np.lexsort((all_ids, -all_worth))[:REASONS_LIMIT]
        self.top_ids, self.top_worth, self.top_values = (
            all_ids[best],
            all_worth[best],
            all_values[best],
        )


NUMBERS = ("spend", "clv", "risk", "expected", "months_since_paid", "months_billed")


def _rules(frame: pl.DataFrame, tiers: list[dict[str, object]], limits: dict[str, float],
           scores: _Scores) -> npt.NDArray[np.int16]:  # fmt: skip
    """Tier, stage and groups codes of each customer of a block (the pure rules, per row)."""
    columns = frame.select(
        "tenure_months", "spend", "months_since_last_bill", "late_bills", "complaints_90d",
        "unsatisfied_90d",
    )  # fmt: skip
    codes = np.zeros((frame.height, 3), dtype=np.int16)
    for i, (tenure, spend, since, late, complaints, unsatisfied) in enumerate(columns.iter_rows()):
        history = rules.History(int(tenure), spend, int(since), int(late), int(complaints),
                                int(unsatisfied))  # fmt: skip
        groups = ",".join(rules.groups(history, limits))
        codes[i] = (
            rules.TIERS.index(rules.tier(history, tiers)),
            rules.STAGES.index(rules.stage(history, limits)),
            scores.groups.setdefault(groups, len(scores.groups)),
        )
    return codes


def _score_block(
    frame: pl.DataFrame, model: ChurnModel | None, work: Work, effect: float, scores: _Scores
) -> None:
    """The first pass over one block."""
    limits = work.business(LIMITS.key)
    risk = churn_risks(model, frame)
    spend = frame["monthly_spend"].to_numpy().astype(float)
    gone = frame["months_since_last_bill"].to_numpy() >= limits["churned_after_months"]
    risk = np.where(gone, 1.0, risk)
    clv = np.where(gone, 0.0, lifetime_value(spend, risk, RISK_MONTHS))
    expected = risk * clv * effect
    ids = frame["customer_id"].to_numpy().astype(np.int64)
    scores.ids.append(ids)
    scores.codes.append(_rules(frame, work.business(TIERS.key), limits, scores))
    since_paid = frame["months_since_paid"].to_numpy().astype(float)
    billed = frame["months_billed"].to_numpy().astype(float)
    scores.numbers.append(np.column_stack([spend, clv, risk, expected, since_paid, billed]))
    if model is not None:
        values = feature_table(frame, model.table_names).values
        worth = np.argsort(-expected, kind="stable")[:REASONS_LIMIT]
        scores.keep_top(ids[worth], expected[worth], values[worth])


def customer_count(session: Session) -> int:
    """How many customers a recompute goes through (for a progress bar)."""
    return int(session.scalar(select(func.count()).select_from(Customer)) or 0)


def _blocks(session: Session) -> list[tuple[int, int]]:
    low, high = session.execute(select(func.min(Customer.id), func.max(Customer.id))).one()
    if low is None:
        return []
    return [(start, min(start + BLOCK, high + 1)) for start in range(low, high + 1, BLOCK)]


def _write_block(
    session: Session, work: Work, between: tuple[int, int], scores: _Scores, written: _Written
) -> int:
    """The second pass over one block: its value pictures, stage months and tiers."""
    at, period = work.now(), written.period
    lo, hi = np.searchsorted(written.ids, between[0]), np.searchsorted(written.ids, between[1])
    names = {code: name for name, code in scores.groups.items()}
    rows, stages, given = [], [], {}
    for i in range(lo, hi):
        cid = int(written.ids[i])
        tier, stage = rules.TIERS[written.codes[i, 0]], rules.STAGES[written.codes[i, 1]]
        spend, clv, risk, expected = written.numbers[i, :4]
        rows.append((
            cid, tier, names[int(written.codes[i, 2])], int(written.rfm[i, 0]),
            int(written.rfm[i, 1]), int(written.rfm[i, 2]), round(float(spend), 2),
            round(float(clv), 2), stage, round(float(risk), 4), written.reasons.get(cid, []),
            round(float(expected), 2),
        ))  # fmt: skip
        stages.append((cid, period, stage))
        given[cid] = tier
    replace_values(session, between, rows, at)
    add_stage_months(session, stages)
    return set_value_tiers(session, work.actor, given, clock=work.clock)


@dataclass(frozen=True)
class _Written:
    """Everything the second pass writes, in customer id order."""

    period: str
    ids: npt.NDArray[np.int64]
    codes: npt.NDArray[np.int16]
    numbers: npt.NDArray[np.float64]
    rfm: npt.NDArray[np.int_]
    reasons: dict[int, Reasons]


def _gathered(period: str, scores: _Scores, model: ChurnModel | None) -> _Written:
    """All blocks' numbers together, RFM over every customer, reasons of those worth most."""
    if not scores.ids:
        empty = np.zeros((0, len(NUMBERS)))
        return _Written(period, np.zeros(0, np.int64), np.zeros((0, 3), np.int16), empty,
                        np.zeros((0, 3), int), {})  # fmt: skip
    ids = np.concatenate(scores.ids)
    order = np.argsort(ids, kind="stable")
    numbers = np.vstack(scores.numbers)[order]
    r, f, m = rules.rfm(numbers[:, 4], numbers[:, 5], numbers[:, 0])
    reasons: dict[int, Reasons] = {}
    if model is not None and scores.top_values is not None:
        table = FeatureTable(model.table_names, tuple(() for _ in model.table_names),
                             scores.top_values)  # fmt: skip
        reasons = dict(zip(scores.top_ids.tolist(), _reasons_of(model, table), strict=True))
    codes = np.vstack(scores.codes)[order]
    return _Written(period, ids[order], codes, numbers, np.column_stack([r, f, m]), reasons)


def recompute(session: Session, work: Work, progress: Progress | None = None) -> Recomputed:
    """Recompute every customer's value picture as of the newest bills, block by block."""
    latest = latest_period(session)
    if latest is None:
        return Recomputed(0, 0, None)
    as_of, model = period_index(latest), current_model(session)
    effect = retention_effect(session).effect
    scores = _Scores()
    blocks = _blocks(session)
    for between in blocks:
        frame = snapshot(session, as_of, between)
        if frame.height:
            _score_block(frame, model, work, effect, scores)
        if progress is not None:
            progress(frame.height)
    written = _gathered(latest, scores, model)
    session.execute(delete(StageMonth).where(StageMonth.period == latest))
    changes = sum(_write_block(session, work, b, scores, written) for b in blocks)
    session.flush()
    return Recomputed(len(written.ids), changes, latest)
