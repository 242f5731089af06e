"""The bot's level on out-of-scope messages is measured once per set of live articles, after
they change (job, `kb import`), and kept where every process finds it — not on a chat."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot import levels, strangers
from closeloop.knowledge.models import BotLevel
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex
from closeloop.knowledge.search.live import forget, index_for
from closeloop.modules import MODULES

ADAPTING = (
    "answer bias 0\nanswer score 1\neither bias 0\neither score 2\n"
    "threshold answer 0.6\nthreshold clarify 0.5\n"
    "reference answer 0.5\nreference either 1.0\nreference quantile 0.5\nreference shift 0.5\n"
)
TODAY = date(2026, 1, 1)


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The out-of-scope messages put to indexes (three a measurement)."""
    shipped = bot.read_calibration(ADAPTING)
    monkeypatch.setattr(bot, "calibration", lambda: shipped)
    seen: list[str] = []

    def three(_messages: tuple[str, ...]) -> list[str]:
        # lookalikes the small index finds something for, so that a level can be measured
        questions = ["国际漫游多少钱一天", "账单可以寄到家吗", "APP怎么开通"]
        seen.extend(questions)
        return questions

    monkeypatch.setattr(strangers, "sample", three)
    return seen


def _index(key: str = "") -> KnowledgeIndex:
    docs = [
        IndexDoc.from_content(
            1,
            "roam",
            {"category": "roaming/data", "question": "国际漫游怎么开通", "answer": "在APP开通。"},
        ),
        IndexDoc.from_content(
            2,
            "bill",
            {"category": "billing/bill", "question": "话费账单怎么查", "answer": "发短信查询。"},
        ),
    ]
    index = KnowledgeIndex(docs, None)
    index.key = key
    return index


def _levels(database: Database) -> int:
    with database.unit_of_work(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(BotLevel)) or 0)


def test_never_measured_the_chat_measures_once_per_index(
    database: Database, asked: list[str]
) -> None:
    with database.unit_of_work(write=False) as session:
        index = _index("k1")
        first = levels.limits_for(session, index, TODAY)
        assert levels.limits_for(session, index, TODAY) is first and len(asked) == 3
        assert levels.limits_for(session, _index("k2"), TODAY) == first and len(asked) == 6


def test_a_kept_level_is_used_without_asking_anything(
    database: Database, asked: list[str], clock: FixedClock
) -> None:
    index = _index("k1")
    with database.unit_of_work() as session:
        assert levels.refresh(session, index, TODAY, clock) is True
        assert levels.refresh(session, index, TODAY, clock) is False  # kept already
    assert len(asked) == 3 and _levels(database) == 1
    with database.unit_of_work(write=False) as session:
        kept = levels.limits_for(session, _index("k1"), TODAY)
        # other articles: the last level kept stands in until the job measures them
        stand_in = levels.limits_for(session, _index("k2"), TODAY)
        measured = levels.stored(session, "k1")
    assert len(asked) == 3 and kept == stand_in
    assert kept == bot.limits(bot.calibration(), measured)


def test_the_job_measures_the_live_articles_after_they_change(
    database: Database, asked: list[str], clock: FixedClock
) -> None:
    forget(database)
    assert levels.refresh_live(database, clock) is True
    assert levels.refresh_live(database, clock) is False
    with database.unit_of_work(write=False) as session:
        key = index_for(database, session).key
        row = session.get(BotLevel, key)
    assert row is not None and row.articles > 0 and len(asked) == 3
    jobs = [job.name for module in MODULES for job in module.jobs]
    assert "knowledge.bot_levels" in jobs


def test_a_publishing_import_measures_the_new_faq(
    cli: Any, database: Database, asked: list[str], tmp_path: Path
) -> None:
    forget(database)
    article = {
        "external_id": "lvl-1",
        "category": "billing/bill",
        "question": "电子发票怎么开",
        "answer": "在营业厅APP的发票页面开具。",
    }
    path = tmp_path / "faq.jsonl"
    path.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    cli("kb", "import", str(path))  # not published: nothing to measure
    assert _levels(database) == 0
    cli("kb", "import", str(path), "--publish")
    with database.unit_of_work(write=False) as session:
        key = index_for(database, session).key
        assert session.get(BotLevel, key) is not None
