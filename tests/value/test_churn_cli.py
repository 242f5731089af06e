"""`closeloop churn evaluate FILE.csv --target COLUMN [--id COLUMN] [--folds N] --json` (§10)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.cli import Cli
from tests.value.churn_data import write_customers


def test_evaluate_prints_rows_folds_auc_brier(tmp_path: Path, cli: Cli) -> None:
    path = write_customers(tmp_path / "customers.csv", rows=600)
    with path.open("a", encoding="utf-8") as f:
        f.write("c600,One year,12,0,50,n1,\n")  # no label: left out and said so
    result = cli("churn", "evaluate", str(path), "--target", "left", "--id", "customer",
                 "--folds", "3", "--json")  # fmt: skip
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"rows", "folds", "auc", "brier"}
    assert (out["rows"], out["folds"]) == (600, 3)
    assert 0.7 < out["auc"] <= 1 and 0 < out["brier"] < 0.25
    assert "1 rows without a left value" in result.stderr


def test_bad_input_exits_non_zero_with_one_line(tmp_path: Path, cli: Cli) -> None:
    path = write_customers(tmp_path / "customers.csv", rows=100)
    for args, reason in (
        (("--target", "churn"), "no column 'churn' for --target"),
        (("--target", "left", "--id", "nobody"), "no column 'nobody' for --id"),
        (("--target", "left", "--folds", "1"), "--folds must be at least 2"),
        (("--target", "noise"), "one class only"),
    ):
        result = cli("churn", "evaluate", str(path), *args, "--json")
        assert result.exit_code != 0
        assert reason in result.stderr
        assert result.stdout == ""
    missing = cli("churn", "evaluate", str(tmp_path / "none.csv"), "--target", "left")
    assert missing.exit_code != 0 and "no such file" in missing.stderr
