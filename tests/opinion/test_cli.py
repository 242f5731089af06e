"""`closeloop opinion classify -` and `closeloop opinion ingest FILE.jsonl`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from closeloop.db.engine import Database
from closeloop.opinion.models import OpinionPost
from tests.opinion.conftest import post


def test_classify_reads_stdin_and_prints_one_verdict_a_line(cli: Any) -> None:
    lines = [
        json.dumps({"id": "p1", "text": "宽带天天掉线，报修没人管，气死了"}, ensure_ascii=False),
        "not json",
        json.dumps({"id": 7, "text": "客服很耐心，好评"}, ensure_ascii=False),
    ]
    result = cli("opinion", "classify", "-", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["p1", 7]
    assert set(out[0]) == {"id", "sentiment", "complaint", "category", "urgent"}
    assert (out[0]["sentiment"], out[0]["complaint"]) == ("negative", True)
    assert "line 2" in result.stderr


def test_ingest_keeps_good_lines_reports_bad_ones_and_is_idempotent(
    cli: Any, tmp_path: Path, database: Database
) -> None:
    rows = [
        json.dumps(post("f1", "联通信号太差了，家里只有一格，打电话老断线"), ensure_ascii=False),
        json.dumps({"id": "f2", "text": "缺字段"}, ensure_ascii=False),
        "{broken",
        json.dumps(post("f3", "今天天气不错"), ensure_ascii=False),
        json.dumps(post("f4", "请问10086转人工按几？"), ensure_ascii=False),
    ]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli("opinion", "ingest", str(path), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["read"], summary["stored"], summary["ignored"], summary["rejected"]) == (
        5, 2, 1, 2,
    )  # fmt: skip
    assert summary["tickets"] == 1
    assert "line 2" in result.stderr and "line 3" in result.stderr
    again = json.loads(cli("opinion", "ingest", str(path), "--json").stdout)
    assert (again["stored"], again["duplicate"]) == (0, 2)
    strict = cli("opinion", "ingest", str(path), "--strict")
    assert strict.exit_code != 0 and "line 2" in strict.stderr
    with database.unit_of_work(write=False) as session:
        assert session.scalar(select(func.count()).select_from(OpinionPost)) == 2
    missing = cli("opinion", "ingest", str(tmp_path / "nope.jsonl"))
    assert missing.exit_code != 0 and "cannot read" in missing.stderr
