"""The demo's public opinion: generated posts through the real intake, some tickets, and the
planted broadband burst found; loading again adds nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.demo.opinion_posts import BURST_POSTS, BURST_REGION, seed_opinion
from closeloop.kit.clock import FixedClock
from closeloop.opinion.models import OpinionBurst, OpinionPost


def test_demo_posts_bring_tickets_and_a_burst(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        stored = seed_opinion(session, settings, clock, count=60)
        assert stored >= BURST_POSTS + 20  # most generated posts name a watched term
        with_ticket = session.scalar(
            select(func.count()).select_from(OpinionPost).where(OpinionPost.ticket_id.is_not(None))
        )
        assert with_ticket and with_ticket >= BURST_POSTS // 2
        bursts = list(session.scalars(select(OpinionBurst)))
        today = clock.now().astimezone(settings.tz).date()
        assert any(
            (b.category, b.region, b.day) == ("broadband", BURST_REGION, today - timedelta(days=3))
            for b in bursts
        ), [(b.category, b.region, b.day) for b in bursts]
        assert seed_opinion(session, settings, clock, count=60) == 0
