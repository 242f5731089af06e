"""Synthetic customer tables whose churn has known causes (for the churn model's tests)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

CONTRACTS = ("Month-to-month", "One year", "Two year")


def write_customers(path: Path, rows: int = 900, seed: int = 3) -> Path:
    """A CSV: month-to-month contracts, short tenure and complaints drive churn; `noise` does
    nothing; a tenth of `monthly` is missing; the label is written in mixed cases."""
    rng = np.random.default_rng(seed)
    contract = rng.integers(0, 3, rows)
    tenure = rng.integers(1, 72, rows)
    complaints = rng.poisson(0.6, rows)
    monthly = rng.normal(60, 20, rows).round(2)
    noise = rng.integers(0, 4, rows)
    z = -1.2 + 1.8 * (contract == 0) - 0.04 * tenure + 0.9 * complaints
    churned = rng.random(rows) < 1 / (1 + np.exp(-z))
    labels = np.where(churned, rng.choice(["Yes", "yes", "TRUE", "1"], rows), "No")
    lines = ["customer,contract,tenure,complaints,monthly,noise,left"]
    for i in range(rows):
        fee = "" if i % 10 == 0 else f"{monthly[i]}"
        lines.append(
            f"c{i},{CONTRACTS[contract[i]]},{tenure[i]},{complaints[i]},{fee},"
            f"n{noise[i]},{labels[i]}"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
