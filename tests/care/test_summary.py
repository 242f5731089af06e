"""The twice-monthly usage summary: the 1st (last month) and the 16th (this month), once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from closeloop.care.models import Notification
from closeloop.care.summary import send_summaries
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.conftest import POLICY, CareSetup, at, ingest, usage_file

A, B = "19900000001", "19900000002"


def _summaries(database: Database) -> list[Notification]:
    with database.unit_of_work(write=False) as session:
        return list(session.scalars(
            select(Notification).where(Notification.rule == "usage_summary")
            .order_by(Notification.msisdn)
        ))  # fmt: skip


def test_summaries_on_the_16th_and_the_1st_for_customers_with_usage(
    tmp_path: Path, database: Database, clock: FixedClock, care: CareSetup
) -> None:
    rows = [
        f"r1,{A},2026-11-02T08:00:00+08:00,data,8396.8,",
        f"r2,{A},2026-11-03T08:00:00+08:00,voice,12.4,",
        f"r3,{A},2026-11-03T09:00:00+08:00,sms,3,",
        f"r4,{B},2026-11-05T08:00:00+08:00,data,30,JP",
    ]
    ingest(database, usage_file(tmp_path, "u.csv", rows), clock)
    for moment, expected in (
        ("2026-11-15T10:00:00+08:00", 0),  # not a summary day
        ("2026-11-16T08:00:00+08:00", 0),  # before the hour
        ("2026-11-16T09:00:00+08:00", 2),
        ("2026-11-16T15:00:00+08:00", 0),  # the hourly job again: nothing more
    ):
        with database.unit_of_work() as session:
            assert send_summaries(session, at(moment), POLICY) == expected, moment
    first, second = _summaries(database)
    assert first.msisdn == A and first.period == "2026-11"
    assert "截至11月16日" in first.text and "已用国内流量8.2GB/共10GB" in first.text
    assert "通话12分钟，短信3条" in first.text
    assert "漫游流量30MB" in second.text
    with database.unit_of_work() as session:
        assert send_summaries(session, at("2026-12-01T09:30:00+08:00"), POLICY) == 2
    december = [n for n in _summaries(database) if "11月底" in n.text]
    assert len(december) == 2 and {n.period for n in december} == {"2026-11"}
