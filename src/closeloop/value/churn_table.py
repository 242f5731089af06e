"""A table of customer attributes for the churn model (流失预警特征表): numbers and categories.

Any CSV of customer attributes becomes one float matrix: numbers as they are, categories as
codes (LightGBM reads them as categories), missing values as NaN. Numeric columns that name
the same unit (`total_day_charge`, `total_eve_charge`, …: the last word of the name) also give
their total, because churn follows what a customer pays or uses in all, not in one slice of it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import polars as pl

from closeloop.kit.errors import InvalidInput

Matrix = npt.NDArray[np.float64]
POSITIVE = frozenset({"yes", "true", "1", "1.0"})
# a text column is numeric when this share of its non-empty values reads as a number
NUMERIC_SHARE = 0.95


@dataclass(frozen=True)
class FeatureTable:
    """Customer attributes as one matrix, with what each column is."""

    names: tuple[str, ...]
    levels: tuple[tuple[str, ...], ...]  # a category column's levels; () for a number
    values: Matrix

    @property
    def categorical(self) -> list[int]:
        """Indexes of the category columns."""
        return [i for i, lv in enumerate(self.levels) if lv]

    def rows(self, index: npt.NDArray[np.intp]) -> FeatureTable:
        """The same table restricted to some rows."""
        return FeatureTable(self.names, self.levels, self.values[index])

    def shown(self, row: int, column: int) -> str:
        """A cell as a person reads it (a category's level, a number, or "missing")."""
        value = self.values[row, column]
        if np.isnan(value):
            return "missing"
        if self.levels[column]:
            return self.levels[column][int(value)]
        return f"{value:g}"


@dataclass(frozen=True)
class LabelledTable:
    """A feature table with its churn labels (1 = left) and the rows that had no label."""

    table: FeatureTable
    churned: npt.NDArray[np.int_]
    unlabelled: int


def positive(label: str | None) -> bool:
    """Whether a target value means the customer left: yes/true/1 in any case."""
    return label is not None and label.strip().lower() in POSITIVE


def _as_number(column: pl.Series) -> pl.Series | None:
    """The column as floats, or None when it is a category."""
    if column.dtype.is_numeric() or column.dtype == pl.Boolean:
        return column.cast(pl.Float64)
    text = column.cast(pl.String).str.strip_chars()
    text = text.set(text == "", None)
    numbers = text.cast(pl.Float64, strict=False)
    filled = text.drop_nulls().len()
    if filled and numbers.drop_nulls().len() >= NUMERIC_SHARE * filled:
        return numbers
    return None


def _as_codes(column: pl.Series) -> tuple[Matrix, tuple[str, ...]]:
    """A category column as codes into its sorted levels (NaN where missing)."""
    text = column.cast(pl.String).str.strip_chars()
    text = text.set(text == "", None)
    levels = tuple(sorted(text.drop_nulls().unique().to_list()))
    index = {level: float(i) for i, level in enumerate(levels)}
    codes = np.array([np.nan if v is None else index[v] for v in text.to_list()], dtype=float)
    return codes, levels


def _totals(names: list[str], columns: list[Matrix], levels: list[tuple[str, ...]]) -> None:
    """Add the total of each group of two or more numeric columns that share a unit."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, name in enumerate(names):
        if not levels[i] and "_" in name:
            groups[name.rsplit("_", 1)[1]].append(i)
    for unit, members in sorted(groups.items()):
        if len(members) >= 2:  # a total of one column is the column itself
            names.append(f"total {unit}")
            columns.append(np.nansum(np.column_stack([columns[i] for i in members]), axis=1))
            levels.append(())


def from_frame(frame: pl.DataFrame, totals: bool = True) -> FeatureTable:
    """Every column of a frame as a feature, with the totals of columns sharing a unit."""
    names: list[str] = []
    columns: list[Matrix] = []
    levels: list[tuple[str, ...]] = []
    for column in frame.iter_columns():
        numbers = _as_number(column)
        if numbers is not None:
            columns.append(numbers.fill_nan(None).to_numpy().astype(float))
            levels.append(())
        else:
            codes, found = _as_codes(column)
            columns.append(codes)
            levels.append(found)
        names.append(column.name)
    if totals:
        _totals(names, columns, levels)
    values = np.column_stack(columns) if columns else np.empty((frame.height, 0))
    return FeatureTable(tuple(names), tuple(levels), values)


def read_labelled(
    path: Path, target: str, id_column: str | None = None, totals: bool = True
) -> LabelledTable:
    """Read a CSV of customers with a churn column; rows without a label are left out."""
    try:
        frame = pl.read_csv(path, infer_schema_length=0, null_values=[""])
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        raise InvalidInput(f"{path.name}: cannot read as CSV: {exc}") from exc
    for name, role in ((target, "--target"), (id_column, "--id")):
        if name is not None and name not in frame.columns:
            raise InvalidInput(f"{path.name}: no column {name!r} for {role}")
    labels = frame[target].str.strip_chars()
    labelled = labels.is_not_null() & (labels != "")
    unlabelled = frame.height - int(labelled.sum())
    frame = frame.filter(labelled)
    churned = np.array([positive(v) for v in frame[target].to_list()], dtype=int)
    dropped = [target] + ([id_column] if id_column else [])
    features = frame.drop(dropped)
    if not features.columns:
        raise InvalidInput(f"{path.name}: no attribute columns besides the target and id")
    return LabelledTable(from_frame(features, totals), churned, unlabelled)
