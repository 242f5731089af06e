"""`churn evaluate`: the churn model measured by stratified k-fold cross-validation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold

from closeloop.kit.errors import InvalidInput
from closeloop.value.churn_model import Labels, fit
from closeloop.value.churn_table import FeatureTable, Matrix

# (training table, labels) → a function giving held-out rows' probabilities
Learner = Callable[[FeatureTable, Labels], Callable[[FeatureTable], Matrix]]


@dataclass(frozen=True)
class Evaluation:
    """Means over the folds, as `churn evaluate --json` prints them (CONTRACT §10)."""

    rows: int
    folds: int
    auc: float
    brier: float

    def as_dict(self) -> dict[str, float | int]:
        """The JSON document."""
        return asdict(self)


def project_learner(seed: int = 7, threads: int = 1) -> Learner:
    """The project's churn model as a learner."""

    def learn(table: FeatureTable, y: Labels) -> Callable[[FeatureTable], Matrix]:
        return fit(table, y, seed=seed, threads=threads).predict

    return learn


def check_folds(y: Labels, folds: int) -> None:
    """Refuse fold counts stratified CV cannot honour."""
    if folds < 2:
        raise InvalidInput("--folds must be at least 2")
    smaller = int(min(y.sum(), len(y) - y.sum()))
    if smaller == 0:
        raise InvalidInput("the target has one class only: nothing to learn")
    if smaller < folds:
        raise InvalidInput(f"--folds {folds} exceeds the {smaller} rows of the rarer class")


def cross_validate(
    table: FeatureTable,
    y: Labels,
    folds: int = 5,
    learner: Learner | None = None,
    seed: int = 42,
    on_fold: Callable[[], None] | None = None,
) -> Evaluation:
    """Mean AUC and Brier score of a learner over stratified folds."""
    check_folds(y, folds)
    learn = learner or project_learner()
    aucs, briers = [], []
    splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(table.values, y)
    for train, held in splits:
        predict = learn(table.rows(train), y[train])
        p = predict(table.rows(held))
        aucs.append(roc_auc_score(y[held], p))
        briers.append(brier_score_loss(y[held], p))
        if on_fold is not None:
            on_fold()
    return Evaluation(
        len(y), folds, round(float(np.mean(aucs)), 4), round(float(np.mean(briers)), 4)
    )
