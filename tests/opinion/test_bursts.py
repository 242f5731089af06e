"""Negative-volume bursts over stored posts: found once per day, category and region, and the
supervisors told; a quiet day is no burst."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select

from closeloop.care.models import Notification
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.opinion.detect import detect_bursts
from closeloop.opinion.intake import take_post
from closeloop.opinion.schemas import PostIn
from closeloop.runtime.work import Work

CRAWLER = Actor(
    username="test-crawler", roles=("crawler",), permissions=frozenset({"opinion.ingest"})
)
ANGRY = "宽带又断了，报修了没人管，气死了"


def _ingest(work: Work, day: date, count: int, region: str, tag: str) -> None:
    for i in range(count):
        take_post(work, PostIn(id=f"{tag}-{day}-{i}", text=f"{ANGRY}{'！' * (i % 3)}{i}",
                               source="weibo", author=f"{tag}{i}", region=region,
                               posted_at=f"{day.isoformat()}T10:00:00+08:00"))  # fmt: skip


def test_a_sudden_pile_of_negative_posts_in_one_region_is_a_burst(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    today = date(2026, 11, 23)
    with database.unit_of_work() as session:
        work = Work(session, settings, clock=clock, actor=CRAWLER).bind()
        for back in range(1, 8):
            _ingest(work, today - timedelta(days=back), 1, "长沙市", "calm")
        _ingest(work, today, 9, "长沙市", "storm")
        _ingest(work, today, 2, "株洲市", "quiet")
        found = detect_bursts(work, today)
        assert [(b.category, b.region, b.count) for b in found] == [("broadband", "长沙市", 9)]
        assert found[0].p_value < 0.001
        assert detect_bursts(work, today) == []  # recorded once
        told = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.rule == "opinion_burst")
        )
        assert told == 1
