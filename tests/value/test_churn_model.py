"""The churn model's contract: calibrated, explained, deterministic with a seed."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from closeloop.kit.errors import InvalidInput
from closeloop.value.churn_evaluation import cross_validate
from closeloop.value.churn_model import fit
from closeloop.value.churn_table import positive, read_labelled
from tests.value.churn_data import write_customers


@pytest.fixture(scope="module")
def labelled(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = write_customers(tmp_path_factory.mktemp("churn") / "customers.csv", rows=1200)
    return read_labelled(path, "left", "customer")


def test_positive_labels_are_yes_true_one_in_any_case() -> None:
    assert all(positive(v) for v in ("yes", "YES", "True", "1", " yes "))
    assert not any(positive(v) for v in ("no", "false", "0", "", None, "churned"))


def test_table_reads_numbers_categories_and_missing_values(labelled) -> None:  # type: ignore[no-untyped-def]
    table = labelled.table
    assert table.names[:5] == ("contract", "tenure", "complaints", "monthly", "noise")
    assert table.levels[0] == ("Month-to-month", "One year", "Two year")
    assert table.levels[1] == ()
    assert np.isnan(table.values[0, 3])  # every tenth fee is missing
    assert 0.15 < labelled.churned.mean() < 0.6


def test_probabilities_are_calibrated_on_held_out_rows(labelled) -> None:  # type: ignore[no-untyped-def]
    table, y = labelled.table, labelled.churned
    train, held = np.arange(0, 800), np.arange(800, len(y))
    p = fit(table.rows(train), y[train]).predict(table.rows(held))
    assert ((p > 0) & (p < 1)).all()
    # the mean predicted risk matches the observed rate, and so does each half by risk
    assert abs(p.mean() - y[held].mean()) < 0.06
    low = p < np.median(p)
    assert abs(p[low].mean() - y[held][low].mean()) < 0.08
    assert abs(p[~low].mean() - y[held][~low].mean()) < 0.08


def test_reasons_name_the_real_causes_and_add_up_to_the_risk(labelled) -> None:  # type: ignore[no-untyped-def]
    table, y = labelled.table, labelled.churned
    model = fit(table, y)
    riskiest = np.argsort(-model.predict(table))[:50]
    reasons = model.reasons(table.rows(riskiest))
    named = {r.feature for found in reasons for r in found}
    assert {"contract", "complaints"} <= named
    assert "noise" not in {found[0].feature for found in reasons}
    first = reasons[0][0]
    assert first.weight > 0 and first.value  # the attribute's value, as a person reads it
    # contributions plus the calibrated base add up to each customer's log-odds
    p = model.predict(table.rows(riskiest))
    parts = model.contributions(table.rows(riskiest)).sum(axis=1)
    spread = np.log(p / (1 - p)) - parts
    assert np.ptp(spread) < 1e-6


def test_same_seed_same_model_other_seed_other_model(labelled) -> None:  # type: ignore[no-untyped-def]
    table, y = labelled.table, labelled.churned
    once, again = fit(table, y, seed=5).predict(table), fit(table, y, seed=5).predict(table)
    assert np.array_equal(once, again)
    assert not np.array_equal(once, fit(table, y, seed=6).predict(table))


def test_cross_validation_beats_chance_and_knows_its_limits(labelled) -> None:  # type: ignore[no-untyped-def]
    result = cross_validate(labelled.table, labelled.churned, folds=3)
    assert (result.rows, result.folds) == (1200, 3)
    assert result.auc > 0.75
    assert result.brier < 0.2
    with pytest.raises(InvalidInput, match="folds"):
        cross_validate(labelled.table, labelled.churned, folds=1)
    with pytest.raises(InvalidInput, match="one class"):
        cross_validate(labelled.table, np.zeros_like(labelled.churned), folds=3)


def test_totals_of_columns_sharing_a_unit(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("day_charge,eve_charge,plan,left\n1.5,2,a,yes\n,3,b,no\n", encoding="utf-8")
    table = read_labelled(path, "left").table
    assert table.names == ("day_charge", "eve_charge", "plan", "total charge")
    assert table.values[:, 3].tolist() == [3.5, 3.0]
