"""`closeloop usage ingest` and `closeloop notifications export` (CONTRACT §2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from closeloop.db.engine import Database
from tests.care.conftest import CareSetup, notices, usage_file

A = "19900000001"


def test_ingest_reports_bad_lines_prints_a_summary_and_exports_jsonl(
    tmp_path: Path, cli: Any, care: CareSetup, database: Database
) -> None:
    rows = [
        f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,",
        f"r2,{A},not-a-time,data,1,",
        f"r3,{A},2026-11-02T09:00:00+08:00,data,1,TH",
    ]
    path = usage_file(tmp_path, "usage.csv", rows)
    result = cli("usage", "ingest", str(path), "--json")
    assert result.exit_code == 0, result.output
    assert "usage.csv: line 3: event_time" in result.output
    assert "read 3, new 2, duplicate 0, rejected 1" in result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["new"], summary["notified"]) == (2, 2)

    again = cli("usage", "ingest", str(path), "--json")
    assert json.loads(again.output.strip().splitlines()[-1])["duplicate"] == 2

    exported = cli("notifications", "export", "--format", "jsonl")
    assert exported.exit_code == 0, exported.output
    lines = [json.loads(line) for line in exported.output.splitlines() if line.startswith("{")]
    ours = [n for n in lines if n["msisdn"] == A]
    assert {(n["rule"], n["period"], n["threshold"], n["country"]) for n in ours} == {
        ("data_threshold", "2026-11", 80, None),
        ("roaming_arrival", "2026-11", None, "TH"),
    }
    assert set(ours[0]) == {
        "id", "msisdn", "rule", "period", "threshold", "country", "text", "status", "created_at",
    }  # fmt: skip
    assert ours[0]["created_at"].endswith("+00:00")


def test_strict_and_unreadable_files_fail_with_one_line(
    tmp_path: Path, cli: Any, care: CareSetup, database: Database
) -> None:
    path = usage_file(tmp_path, "u.csv", [f"r1,{A},2026-11-02T08:00:00+08:00,data,9000,",
                                          f"r2,{A},2026-11-02T08:00:00+08:00,data,x,"])  # fmt: skip
    strict = cli("usage", "ingest", str(path), "--strict")
    assert strict.exit_code != 0 and "line 3" in strict.output
    assert notices(database) == []
    missing = cli("usage", "ingest", str(tmp_path / "nope.csv"))
    assert missing.exit_code != 0 and "nope.csv" in missing.output
    header = tmp_path / "h.csv"
    header.write_text("record_id,msisdn,when\n", encoding="utf-8")
    wrong = cli("usage", "ingest", str(header))
    assert wrong.exit_code != 0 and "line 1" in wrong.output
    assert cli("notifications", "export", "--format", "xml").exit_code != 0
