"""CLV on held-out months: predicted against actual spend, next to two plain baselines.

    .venv/bin/python benchmarks/value_clv.py [--customers 20000]

Synthetic contractual customers: each has a hidden monthly leaving probability drawn from a
beta distribution (the shifted-beta-geometric world), a steady bill, and signals that follow
the hidden hazard (late bills, complaints, falling spend). The churn model is trained on months
1–6 (features at month 3, leaving in months 4–6); at month 9 the survival CLV of
`closeloop.value.clv` (three months, undiscounted) predicts each active customer's spend of
months 10–12, which the benchmark then compares with what was billed. Baselines: "nobody
leaves" (3 × bill) and one average hazard for everyone (the population's observed rate).
Prints totals, the ratio predicted/actual, and the mean absolute error per customer by decile.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from closeloop.value.churn_model import fit  # noqa: E402
from closeloop.value.churn_table import FeatureTable  # noqa: E402
from closeloop.value.clv import lifetime_value  # noqa: E402

NAMES = ("bill", "late_bills", "complaints", "trend", "tenure")


def world(customers: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Hidden hazards, bills, and the month each customer leaves (13 = stays past month 12)."""
    rng = np.random.default_rng(seed)
    hazard = rng.beta(0.8, 12, customers)
    bill = rng.gamma(4, 30, customers).round(2)
    leaves = np.minimum(rng.geometric(np.maximum(hazard, 1e-6)), 13)
    return hazard, bill, leaves


def signals(hazard: np.ndarray, bill: np.ndarray, rng: np.random.Generator) -> FeatureTable:
    """What the operator sees at a month: signals that follow the hidden hazard, with noise."""
    n = hazard.size
    values = np.column_stack(
        [
            bill,
            rng.poisson(25 * hazard),
            rng.poisson(10 * hazard),
            rng.normal(-2 * hazard, 0.1),
            rng.integers(1, 100, n),
        ]
    ).astype(float)
    return FeatureTable(NAMES, tuple(() for _ in NAMES), values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    args = parser.parse_args()
    rng = np.random.default_rng(5)
    hazard, bill, leaves = world(args.customers, seed=4)
    active3 = leaves > 3
    train = signals(hazard[active3], bill[active3], rng)
    left = (leaves[active3] <= 6).astype(int)
    model = fit(train, left)
    active9 = leaves > 9
    now = signals(hazard[active9], bill[active9], rng)
    risk = model.predict(now)
    predicted = lifetime_value(bill[active9], risk, 3, horizon=3, discount=0.0)
    months = np.clip(leaves[active9] - 10, 0, 3)  # bills of months 10, 11, 12
    actual = bill[active9] * months
    nobody_leaves = bill[active9] * 3
    average = lifetime_value(bill[active9], np.full(risk.size, left.mean()), 3, 3, 0.0)
    print(f"{active9.sum():,} customers active at month 9; trained on {left.size:,} "
          f"({left.mean():.1%} left in months 4–6); model {model.description}")  # fmt: skip
    print(f"actual spend months 10–12: {actual.sum():,.0f}")
    for label, guess in (
        ("survival CLV (project)", predicted),
        ("one average hazard", average),
        ("nobody leaves", nobody_leaves),
    ):
        mae = np.abs(guess - actual).mean()
        ratio = guess.sum() / actual.sum()
        print(f"  {label:24s} predicted {guess.sum():>12,.0f}  ratio {ratio:.3f}  MAE {mae:.2f}")
    order = np.argsort(risk)
    print("  by risk decile (predicted / actual):")
    for part in np.array_split(order, 10):
        print(f"    risk {risk[part].mean():.3f}: {predicted[part].sum() / actual[part].sum():.3f}")


if __name__ == "__main__":
    main()
