"""The churn model (流失预警模型): gradient-boosted trees, a linear view, calibrated together.

Fitting chooses, by out-of-fold log loss on the training rows alone, between two LightGBM
shapes (shallow and strongly regularised for small tables of few strong signals; deeper for
tables whose signal lives in interactions), each alone or blended in log-odds with a logistic
regression. Platt scaling on the same out-of-fold predictions makes the blend a calibrated
probability. Because the blend and the scaling are linear in log-odds, each customer's risk
splits exactly into per-attribute contributions (LightGBM's SHAP values `pred_contrib` plus
the logistic terms): the reasons shown to agents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import lightgbm as lgb
import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from closeloop.value.churn_table import FeatureTable, Matrix
from closeloop.value.linear_view import LinearView

Labels = npt.NDArray[np.int_]
INNER_FOLDS = 3
EPS = 1e-6

TREE_SHAPES: dict[str, dict[str, Any]] = {
    "shallow": {
        "learning_rate": 0.025,
        "n_estimators": 400,
        "num_leaves": 8,
        "min_child_samples": 40,
        "colsample_bytree": 0.5,
        "reg_lambda": 5.0,
        "cat_smooth": 30,
        "min_data_per_group": 50,
        "max_cat_to_onehot": 8,
    },
    "deep": {
        "learning_rate": 0.03,
        "n_estimators": 500,
        "num_leaves": 31,
        "min_child_samples": 10,
        "colsample_bytree": 0.8,
    },
}
LINEAR_SHARES = (0.0, 0.5)


@dataclass(frozen=True)
class Reason:
    """One attribute's push on a customer's churn risk, in log-odds (positive = riskier)."""

    feature: str
    value: str
    weight: float


def _logit(p: Matrix) -> Matrix:
    clipped = np.clip(p, EPS, 1 - EPS)
    return np.log(clipped / (1 - clipped))


def _sigmoid(z: Matrix) -> Matrix:
    return 1.0 / (1.0 + np.exp(-z))


def _log_loss(y: Labels, p: Matrix) -> float:
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _trees(shape: str, seed: int, threads: int) -> lgb.LGBMClassifier:
    return lgb.LGBMClassifier(
        **TREE_SHAPES[shape],
        subsample=0.8,
        subsample_freq=1,
        random_state=seed,
        deterministic=True,
        force_row_wise=True,
        n_jobs=threads,
        verbose=-1,
    )


def _fit_trees(shape: str, table: FeatureTable, y: Labels, seed: int, threads: int) -> Any:
    model = _trees(shape, seed, threads)
    model.fit(table.values, y, categorical_feature=table.categorical or "auto")
    return model


def _tree_logit(model: Any, values: Matrix) -> Matrix:
    return np.asarray(model.predict(values, raw_score=True), dtype=float)


@dataclass(frozen=True)
class ChurnModel:
    """A fitted churn model: trees, an optional linear view, and the calibration."""

    table_names: tuple[str, ...]
    shape: str
    trees: Any
    linear: LinearView | None
    linear_share: float
    slope: float
    intercept: float

    @property
    def description(self) -> str:
        """What was chosen, for the stored evaluation."""
        return f"lightgbm-{self.shape}+logistic×{self.linear_share:g}, platt"

    def _logit(self, table: FeatureTable) -> Matrix:
        z = (1 - self.linear_share) * _tree_logit(self.trees, table.values)
        if self.linear is not None and self.linear_share:
            z = z + self.linear_share * self.linear.logit(table)
        return z

    def predict(self, table: FeatureTable) -> Matrix:
        """Calibrated probability that each customer leaves."""
        return _sigmoid(self.slope * self._logit(table) + self.intercept)

    def contributions(self, table: FeatureTable) -> Matrix:
        """Each attribute's share of each customer's calibrated log-odds (rows × attributes)."""
        tree = np.asarray(self.trees.predict(table.values, pred_contrib=True), dtype=float)
        parts = (1 - self.linear_share) * tree[:, :-1]
        if self.linear is not None and self.linear_share:
            parts = parts + self.linear_share * self.linear.contributions(table)
        return self.slope * parts

    def reasons(self, table: FeatureTable, top: int = 3) -> list[list[Reason]]:
        """The attributes that raise each customer's risk most, strongest first."""
        parts = self.contributions(table)
        found: list[list[Reason]] = []
        for row in range(parts.shape[0]):
            order = np.argsort(-parts[row])[:top]
            found.append(
                [
                    Reason(table.names[c], table.shown(row, c), round(float(parts[row, c]), 4))
                    for c in order
                    if parts[row, c] > 0
                ]
            )
        return found


def _out_of_fold(table: FeatureTable, y: Labels, seed: int, threads: int) -> dict[str, Matrix]:
    """Out-of-fold log-odds of each tree shape and of the linear view."""
    oof = {name: np.zeros(len(y)) for name in (*TREE_SHAPES, "linear")}
    folds = StratifiedKFold(INNER_FOLDS, shuffle=True, random_state=seed)
    for train, held in folds.split(table.values, y):
        part, rest = table.rows(train), table.rows(held)
        for shape in TREE_SHAPES:
            model = _fit_trees(shape, part, y[train], seed, threads)
            oof[shape][held] = _tree_logit(model, rest.values)
        oof["linear"][held] = LinearView.fit(part, y[train]).logit(rest)
    return oof


def _platt(z: Matrix, y: Labels) -> tuple[float, float]:
    """Slope and intercept mapping log-odds to calibrated probabilities."""
    scaler = LogisticRegression(C=1e6, max_iter=1000).fit(z.reshape(-1, 1), y)
    return float(scaler.coef_[0, 0]), float(scaler.intercept_[0])


def fit(table: FeatureTable, y: Labels, seed: int = 7, threads: int = 1) -> ChurnModel:
    """Choose, fit and calibrate the churn model on labelled customers (1 = left)."""
    oof = _out_of_fold(table, y, seed, threads)
    best: tuple[float, str, float, float, float] | None = None
    for shape in TREE_SHAPES:
        for share in LINEAR_SHARES:
            z = (1 - share) * oof[shape] + share * oof["linear"]
            slope, intercept = _platt(z, y)
            loss = _log_loss(y, _sigmoid(slope * z + intercept))
            if best is None or loss < best[0]:
                best = (loss, shape, share, slope, intercept)
    assert best is not None
    _, shape, share, slope, intercept = best
    trees = _fit_trees(shape, table, y, seed, threads)
    linear = LinearView.fit(table, y) if share else None
    return ChurnModel(table.names, shape, trees, linear, share, slope, intercept)
