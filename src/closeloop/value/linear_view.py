"""The churn model's linear view: a logistic regression over centred, one-hot attributes.

Every design column is centred on the training rows, so a customer's log-odds is the intercept
plus one additive term per attribute (its numbers, its missing flag, its category's indicators):
the terms are that attribute's contribution to the customer's risk.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sklearn.linear_model import LogisticRegression

from closeloop.value.churn_table import FeatureTable, Matrix


@dataclass(frozen=True)
class _Column:
    """How one attribute becomes design columns: its fill, centre and scale per column."""

    median: float
    centre: Matrix
    scale: Matrix


def _expand(values: Matrix, levels: tuple[str, ...], median: float) -> Matrix:
    """One attribute as raw design columns: one-hot levels, or (number, missing flag)."""
    if levels:
        codes = np.nan_to_num(values, nan=-1).astype(int)
        return np.asarray(codes[:, None] == np.arange(len(levels))[None, :], dtype=float)
    missing = np.isnan(values)
    return np.column_stack([np.where(missing, median, values), missing.astype(float)])


@dataclass(frozen=True)
class LinearView:
    """A fitted logistic regression whose log-odds split into per-attribute terms."""

    columns: tuple[_Column, ...]
    levels: tuple[tuple[str, ...], ...]
    coefficients: tuple[Matrix, ...]
    intercept: float

    @staticmethod
    def _design(
        table: FeatureTable, columns: tuple[_Column, ...] | None = None
    ) -> tuple[list[Matrix], tuple[_Column, ...]]:
        blocks: list[Matrix] = []
        made: list[_Column] = []
        for j, levels in enumerate(table.levels):
            raw = table.values[:, j]
            if columns is None:
                present = raw[~np.isnan(raw)]
                median = float(np.median(present)) if present.size else 0.0
                block = _expand(raw, levels, median)
                scale = block.std(axis=0)
                scale[scale == 0] = 1.0
                if levels:
                    scale[:] = 1.0
                made.append(_Column(median, block.mean(axis=0), scale))
            column = columns[j] if columns is not None else made[-1]
            block = _expand(raw, levels, column.median)
            blocks.append((block - column.centre) / column.scale)
        return blocks, tuple(made) if columns is None else columns

    @classmethod
    def fit(cls, table: FeatureTable, y: npt.NDArray[np.int_]) -> LinearView:
        """Fit on labelled rows (1 = left)."""
        blocks, columns = cls._design(table)
        model = LogisticRegression(max_iter=2000).fit(np.hstack(blocks), y)
        coef = model.coef_[0]
        split = np.cumsum([b.shape[1] for b in blocks])[:-1]
        return cls(columns, table.levels, tuple(np.split(coef, split)), float(model.intercept_[0]))

    def contributions(self, table: FeatureTable) -> Matrix:
        """Each attribute's term in each row's log-odds (rows × attributes)."""
        blocks, _ = self._design(table, self.columns)
        return np.column_stack([b @ c for b, c in zip(blocks, self.coefficients, strict=True)])

    def logit(self, table: FeatureTable) -> Matrix:
        """Each row's log-odds of leaving."""
        return np.asarray(self.intercept + self.contributions(table).sum(axis=1), dtype=float)
