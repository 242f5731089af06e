"""Nightly churn scoring throughput: the vectorised path against a per-row Python loop.

    .venv/bin/python benchmarks/value_scoring.py [--rows 200000] [--loop-rows 2000]

Trains the project's churn model on synthetic customers (the features of
`closeloop.value.features.FEATURES`, with learnable causes), then scores `--rows` customers the
way the nightly job does — calibrated risk and CLV over whole arrays in blocks of 500,000 rows
(bounded memory), then SHAP reasons (`pred_contrib`) for the 50,000 worth most — and `--loop-rows`
customers one at a time in a Python loop (the baseline). Prints rows per second of each, the
ratio, and the projected time for 10 million customers on this machine.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from closeloop.value.churn_model import ChurnModel, fit  # noqa: E402
from closeloop.value.churn_table import FeatureTable  # noqa: E402
from closeloop.value.clv import lifetime_value  # noqa: E402
from closeloop.value.features import FEATURES  # noqa: E402
from closeloop.value.scoring import REASONS_LIMIT  # noqa: E402

BLOCK = 500_000


def customers(rows: int, seed: int) -> tuple[FeatureTable, np.ndarray]:
    """Synthetic customers: late bills, complaints and falling spend drive leaving."""
    rng = np.random.default_rng(seed)
    values = np.column_stack(
        [
            rng.integers(0, 120, rows),  # tenure_months
            rng.gamma(4, 30, rows),  # monthly_spend
            rng.normal(0, 0.2, rows),  # trend
            rng.gamma(4, 30, rows),  # last_bill
            rng.integers(1, 13, rows),  # months_billed
            rng.poisson(0.5, rows),  # late_bills
            rng.gamma(1, 20, rows) * (rng.random(rows) < 0.2),  # arrears
            rng.choice([38.0, 58, 88, 128, 188], rows),  # plan_fee
            rng.poisson(0.4, rows),  # tickets_90d
            rng.poisson(0.2, rows),  # complaints_90d
            rng.poisson(0.1, rows),  # unsatisfied_90d
        ]
    ).astype(float)
    z = -2.5 + 0.8 * values[:, 5] + 1.0 * values[:, 9] - 3 * values[:, 2] - 0.01 * values[:, 0]
    left = (rng.random(rows) < 1 / (1 + np.exp(-z))).astype(int)
    return FeatureTable(FEATURES, tuple(() for _ in FEATURES), values), left


def score_blocks(model: ChurnModel, table: FeatureTable) -> float:
    """The nightly path: risk and CLV for every row block by block, then reasons (SHAP) for
    the REASONS_LIMIT customers worth most, as `closeloop.value.scoring.recompute` does."""
    worth = np.empty(table.values.shape[0])
    for start in range(0, table.values.shape[0], BLOCK):
        index = np.arange(start, min(start + BLOCK, table.values.shape[0]))
        block = table.rows(index)
        risk = model.predict(block)
        worth[index] = risk * lifetime_value(block.values[:, 1], risk, 3)
    best = np.argsort(-worth, kind="stable")[:REASONS_LIMIT]
    return float(worth.sum()) + len(model.reasons(table.rows(best)))


def score_loop(model: ChurnModel, table: FeatureTable) -> float:
    """The baseline: one customer at a time, as a per-row Python loop would."""
    total = 0.0
    for i in range(table.values.shape[0]):
        row = table.rows(np.array([i]))
        risk = model.predict(row)
        reasons = model.reasons(row)
        total += float(lifetime_value(row.values[:, 1], risk, 3)[0]) + len(reasons[0])
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--loop-rows", type=int, default=2_000)
    args = parser.parse_args()
    train, left = customers(20_000, seed=1)
    model = fit(train, left)
    table, _ = customers(args.rows, seed=2)
    started = time.monotonic()
    score_blocks(model, table)
    vectorised = args.rows / (time.monotonic() - started)
    started = time.monotonic()
    score_loop(model, table.rows(np.arange(args.loop_rows)))
    loop = args.loop_rows / (time.monotonic() - started)
    print(f"model: {model.description}")
    print(f"vectorised: {vectorised:,.0f} customers/s over {args.rows:,} rows")
    print(f"per-row loop: {loop:,.0f} customers/s over {args.loop_rows:,} rows")
    print(f"ratio: {vectorised / loop:.1f}×")
    print(f"10 M customers: {10_000_000 / vectorised / 60:.1f} min vectorised, "
          f"{10_000_000 / loop / 3600:.1f} h per row")  # fmt: skip


if __name__ == "__main__":
    main()
