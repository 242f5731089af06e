"""`closeloop kb import` / `kb export` (CONTRACT §2): idempotent by external_id, bad lines named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from closeloop.db.engine import Database
from closeloop.knowledge.models import Article, ArticleVersion


def _line(external_id: str, **extra: Any) -> str:
    item = {
        "external_id": external_id,
        "category": "broadband/fault",
        "question": f"{external_id} 宽带灯不亮怎么办？",
        "answer": "请检查电源。",
        "similar_questions": ["光猫没电"],
        "tags": ["宽带"],
        **extra,
    }
    return json.dumps(item, ensure_ascii=False)


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "kb.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _count(database: Database, prefix: str, **where: Any) -> int:
    with database.unit_of_work(write=False) as session:
        query = (
            select(func.count()).select_from(Article).where(Article.external_id.startswith(prefix))
        )
        for name, value in where.items():
            query = query.where(getattr(Article, name) == value)
        return int(session.scalar(query) or 0)


def test_import_keeps_good_lines_and_names_bad_ones(
    cli: Any, database: Database, tmp_path: Path
) -> None:
    path = _write(
        tmp_path,
        [
            _line("imp-1"),
            "{not json",
            json.dumps({"external_id": "imp-2", "category": "sms"}),
            _line("imp-3", category="Bad Category"),
            _line("imp-1"),
            _line("imp-4"),
        ],
    )

    result = cli("kb", "import", str(path), "--json")

    assert result.exit_code == 0
    summary = json.loads(result.stdout)
    assert (summary["inserted"], summary["rejected"]) == (2, 4)
    assert [e["line"] for e in summary["errors"]] == [2, 3, 4, 5]
    assert "line 2" in result.stderr and "question" in result.stderr
    assert _count(database, "imp-", status="draft") == 2


def test_publishing_import_is_idempotent(cli: Any, database: Database, tmp_path: Path) -> None:
    path = _write(tmp_path, [_line("idem-1"), _line("idem-2")])

    first = json.loads(cli("kb", "import", str(path), "--publish", "--json").stdout)
    second = json.loads(cli("kb", "import", str(path), "--publish", "--json").stdout)

    assert (first["inserted"], first["published"]) == (2, 2)
    assert (second["inserted"], second["updated"], second["unchanged"], second["published"]) == (
        0,
        0,
        2,
        0,
    )
    with database.unit_of_work(write=False) as session:
        versions = session.scalar(
            select(func.count())
            .select_from(ArticleVersion)
            .join(Article, Article.id == ArticleVersion.article_id)
            .where(Article.external_id.startswith("idem-"))
        )
    assert versions == 2


def test_a_changed_line_updates_and_republishes_as_a_new_version(
    cli: Any, database: Database, tmp_path: Path
) -> None:
    cli("kb", "import", str(_write(tmp_path, [_line("chg-1")])), "--publish")
    changed = _write(tmp_path, [_line("chg-1", answer="请检查电源和光纤。")])

    summary = json.loads(cli("kb", "import", str(changed), "--publish", "--json").stdout)

    assert (summary["updated"], summary["published"]) == (1, 1)
    with database.unit_of_work(write=False) as session:
        article = session.scalar(select(Article).where(Article.external_id == "chg-1"))
        assert article is not None and article.live_version == 2


def test_strict_import_changes_nothing_on_a_bad_line(
    cli: Any, database: Database, tmp_path: Path
) -> None:
    path = _write(tmp_path, [_line("strict-1"), "[]"])

    result = cli("kb", "import", str(path), "--strict")

    assert result.exit_code != 0 and "line 2" in result.stderr
    assert _count(database, "strict-") == 0


def test_an_unreadable_file_fails_with_one_line(cli: Any, tmp_path: Path) -> None:
    result = cli("kb", "import", str(tmp_path / "missing.jsonl"))
    assert result.exit_code != 0 and "cannot read" in result.stderr


def test_export_round_trips_through_import(cli: Any, tmp_path: Path) -> None:
    exported = cli("kb", "export").stdout.splitlines()
    assert len(exported) >= 165
    first = json.loads(exported[0])
    assert {"external_id", "category", "question", "answer"} <= set(first)
    path = _write(tmp_path, exported)

    summary = json.loads(cli("kb", "import", str(path), "--publish", "--json").stdout)

    assert summary["unchanged"] == len(exported) and summary["published"] == 0


def test_the_demo_knowledge_base_is_rich_enough(database: Database) -> None:
    with database.unit_of_work(write=False) as session:
        articles = list(
            session.scalars(select(Article).where(Article.external_id.startswith("demo-")))
        )
    assert len(articles) >= 165
    assert {a.category.split("/")[0] for a in articles} == {
        "signal",
        "activation",
        "sms",
        "ringback",
        "billing",
        "broadband",
        "service",
    }
    assert sum(1 for a in articles if a.script) >= 20
    assert all(a.live_version for a in articles)
