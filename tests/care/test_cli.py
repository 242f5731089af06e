"""`closeloop usage ingest` and `closeloop notifications export` (CONTRACT §2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import select

from closeloop.care.models import UsageMonth
from closeloop.db.engine import Database
from tests.care.conftest import CareSetup, notices, usage_file

A, B = "19900000001", "19900000002"


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


def test_three_bad_rows_after_500_good_ones_are_named_and_the_good_ones_kept(
    tmp_path: Path, cli: Any, care: CareSetup, database: Database
) -> None:
    """Issue 14: these rows made the ingest die in Polars (`assertion failed: i < self.len()`).

    The 500 good rows fill more than the 32 KiB Polars' CSV reader parses in one piece, so the
    three bad rows all lie in its second piece and none in the first.
    """
    good = [f"usage-2026110208-{i:06d},{(A, B)[i % 2]},2026-11-02T08:{i % 60:02d}:00+08:00,"
            f"data,{1 + i % 7}.250," for i in range(500)]  # fmt: skip
    bad = [
        f"bad-1,{A},not-a-time,data,1,",
        f"bad-2,{A},2026-11-02T09:00:00+08:00,data,abc,",
        f"bad-3,{A},2026-11-02T09:00:00+08:00,fax,1,",
    ]
    path = usage_file(tmp_path, "usage.csv", good + bad)
    assert path.stat().st_size > 32 << 10

    result = cli("usage", "ingest", str(path), "--json")

    assert result.exit_code == 0, result.output
    for n in (502, 503, 504):
        assert f"usage.csv: line {n}: " in result.output  # on stderr
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert (summary["read"], summary["new"], summary["rejected"]) == (503, 500, 3)
    assert summary["errors"] == [
        {"line": 502, "reason": "event_time must be ISO 8601 with an offset, got 'not-a-time'"},
        {"line": 503, "reason": "amount must be a number ≥ 0 with at most 3 decimals, got 'abc'"},
        {"line": 504, "reason": "usage_type must be data, voice or sms, got 'fax'"},
    ]
    with database.unit_of_work(write=False) as session:
        months = session.scalars(select(UsageMonth)).all()
    expected = sum((1 + i % 7) * 1000 + 250 for i in range(500))
    assert sum(m.home_data_milli for m in months) == expected
