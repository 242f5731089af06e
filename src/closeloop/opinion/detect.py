"""Finding negative-volume bursts (负面聚集检测) for one day, per category and region; each
new burst is recorded once and the supervisors are told."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.care.outbox import notify_staff
from closeloop.opinion.bursts import WINDOW_DAYS, burst
from closeloop.opinion.models import OpinionBurst, OpinionPost
from closeloop.runtime.work import Work

HISTORY_DAYS = 28
BURST_RULE = "opinion_burst"


def _counts(work: Work, first: date, last: date) -> Counter[tuple[date, str, str]]:
    tz = work.tz
    since = datetime.combine(first, time(), tz)
    until = datetime.combine(last + timedelta(days=1), time(), tz)
    rows = work.session.execute(
        select(OpinionPost.posted_at, OpinionPost.category, OpinionPost.region).where(
            OpinionPost.sentiment == "negative",
            OpinionPost.posted_at >= since,
            OpinionPost.posted_at < until,
        )
    )
    return Counter((at.astimezone(tz).date(), cat, region or "-") for at, cat, region in rows)


def _recorded(work: Work, key: str) -> bool:
    return work.session.scalar(select(OpinionBurst.id).where(OpinionBurst.key == key)) is not None


def detect_bursts(work: Work, day: date) -> list[OpinionBurst]:
    """The new bursts of `day` (those recorded before are not repeated)."""
    window = day - timedelta(days=WINDOW_DAYS - 1)
    first = window - timedelta(days=HISTORY_DAYS)
    counts = _counts(work, first, day)
    found: list[OpinionBurst] = []
    for d, category, region in list(counts):
        if d != day:
            continue
        history = [
            counts[(first + timedelta(days=i), category, region)] for i in range(HISTORY_DAYS)
        ]
        recent = [
            counts[(window + timedelta(days=i), category, region)] for i in range(WINDOW_DAYS)
        ]
        hit = burst(recent, history)
        key = f"{day.isoformat()}|{category}|{region}"
        if hit is None or work.session.scalar(
            select(OpinionBurst.id).where(OpinionBurst.key == key)
        ):
            continue
        row = OpinionBurst(
            day=day, category=category, region=region, count=hit.count, expected=hit.expected,
            p_value=hit.p_value, detected_at=work.now(), key=key,
        )  # fmt: skip
        work.session.add(row)
        work.session.flush()
        text = (
            f"负面舆情聚集：{day} {category} {region} 近 {hit.days} 天 {hit.count} 条"
            f"（平时 {hit.expected:.1f}）"
        )
        notify_staff(work.session, "role:supervisor", BURST_RULE, text, work.now())
        audit.record(work.session, work.actor, "opinion.burst", "opinion_burst", row.id, key,
                     clock=work.clock)  # fmt: skip
        found.append(row)
    return found


def detect_today(work: Work) -> int:
    """The periodic job: bursts of today so far."""
    return len(detect_bursts(work, work.today()))
