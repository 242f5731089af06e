"""`closeloop report kpis` writes the same table as the API in CSV, XLSX and JSON."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from openpyxl import load_workbook

from tests.support import Cli


def test_the_report_in_three_formats_holds_the_same_values(cli: Cli, tmp_path: Path) -> None:
    args = [
        "report",
        "kpis",
        "--from",
        "2026-11-01",
        "--to",
        "2026-12-01",
        "--codes",
        "fcr,misroute_rate,csat",
    ]
    as_json = cli(*args, "--format", "json")
    assert as_json.exit_code == 0, as_json.output
    items = json.loads(as_json.stdout)["items"]
    assert [i["code"] for i in items] == ["fcr", "misroute_rate", "csat"]
    assert items[2]["value"] is None and items[2]["rag"] is None  # no data, not 0
    assert set(items[0]) >= {"code", "group", "value", "numerator", "denominator", "target", "rag"}
    as_csv = cli(*args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout.lstrip("\ufeff"))))
    assert [r["code"] for r in rows] == ["fcr", "misroute_rate", "csat"]
    assert rows[0]["name"] == "一次解决率"
    assert rows[0]["denominator"] == str(items[0]["denominator"])
    out = tmp_path / "kpis.xlsx"
    as_xlsx = cli(*args, "--format", "xlsx", "--output", str(out))
    assert as_xlsx.exit_code == 0, as_xlsx.output
    sheet = load_workbook(out).active
    assert sheet is not None
    table = list(sheet.iter_rows(values_only=True))
    assert table[0][:3] == ("code", "name", "group")
    assert [r[0] for r in table[1:]] == ["fcr", "misroute_rate", "csat"]
    assert table[1][5] == items[0]["denominator"]


def test_grouped_report_has_a_row_per_group(cli: Cli) -> None:
    result = cli("report", "kpis", "--from", "2026-11-16", "--to", "2026-11-23", "--by", "day",
                 "--codes", "fcr", "--format", "json")  # fmt: skip
    groups = [i["group"] for i in json.loads(result.stdout)["items"]]
    assert groups == [f"2026-11-{d}" for d in range(16, 23)]


def test_bad_options_exit_non_zero_with_a_reason(cli: Cli) -> None:
    base = ["report", "kpis", "--from", "2026-11-01", "--to", "2026-12-01"]
    for extra, word in ((["--format", "pdf"], "--format"), (["--by", "planet"], "--by"),
                        (["--codes", "nope"], "nope")):  # fmt: skip
        result = cli(*base, *extra)
        assert result.exit_code != 0 and word in result.output
    backwards = cli("report", "kpis", "--from", "2026-12-01", "--to", "2026-11-01")
    assert backwards.exit_code != 0 and "--from" in backwards.output
