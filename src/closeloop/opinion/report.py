"""The opinion report (舆情报告): sentiment by day, week or month, top categories and terms,
how fast posts were answered, and the bursts found in the window."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select

from closeloop.kit.segment import segment
from closeloop.kit.timefmt import iso
from closeloop.opinion.labels import SENTIMENTS
from closeloop.opinion.models import OpinionBurst, OpinionPost
from closeloop.opinion.queries import PostFilter, filtered
from closeloop.opinion.window import period_key
from closeloop.runtime.work import Work

BY = ("day", "week", "month")
TOP = 10


def trend(posts: Iterable[OpinionPost], by: str, tz: ZoneInfo) -> list[dict[str, object]]:
    """Per period: posts, each sentiment, complaints, urgent, and the negative share."""
    rows: dict[str, Counter[str]] = {}
    for p in posts:
        counts = rows.setdefault(period_key(p.posted_at, by, tz), Counter())
        counts["posts"] += 1
        counts[p.sentiment] += 1
        counts["complaints"] += p.complaint
        counts["urgent"] += p.urgent
    return [
        {
            "period": key,
            "posts": c["posts"],
            **{s: c[s] for s in SENTIMENTS},
            "complaints": c["complaints"],
            "urgent": c["urgent"],
            "negative_share": round(c["negative"] / c["posts"], 3),
        }
        for key, c in sorted(rows.items())
    ]


def top_categories(posts: list[OpinionPost]) -> list[dict[str, object]]:
    total = Counter(p.category for p in posts)
    negative = Counter(p.category for p in posts if p.sentiment == "negative")
    return [{"category": c, "posts": n, "negative": negative[c]} for c, n in total.most_common(TOP)]


def top_terms(posts: list[OpinionPost]) -> dict[str, list[dict[str, object]]]:
    """The watch terms matched most, and the words negative posts use most."""
    watch = Counter(t for p in posts for t in p.matched.split("|") if t)
    words = Counter(
        w for p in posts if p.sentiment == "negative" for w in set(segment(p.text)) if len(w) > 1
    )
    return {
        "watch_terms": [{"term": t, "posts": n} for t, n in watch.most_common(TOP)],
        "negative_words": [{"term": t, "posts": n} for t, n in words.most_common(TOP)],
    }


def response_times(posts: list[OpinionPost]) -> dict[str, object]:
    """Minutes from posting to the public reply, for the posts that needed follow-up."""
    followed = [p for p in posts if p.complaint or p.urgent]
    minutes = [(p.replied_at - p.posted_at).total_seconds() / 60 for p in followed if p.replied_at]
    return {
        "needing_reply": len(followed),
        "replied": len(minutes),
        "median_minutes": round(statistics.median(minutes), 1) if minutes else None,
        "mean_minutes": round(statistics.fmean(minutes), 1) if minutes else None,
        "max_minutes": round(max(minutes), 1) if minutes else None,
    }


def build_report(
    work: Work, since: datetime | None, until: datetime | None, by: str
) -> dict[str, object]:
    """The report over the posts posted in [since, until)."""
    work.actor.require("opinion.read")
    posts = list(work.session.scalars(filtered(PostFilter(since=since, until=until))))
    bursts = select(OpinionBurst).order_by(OpinionBurst.day, OpinionBurst.category)
    if since is not None:
        bursts = bursts.where(OpinionBurst.day >= since.astimezone(work.tz).date())
    if until is not None:
        bursts = bursts.where(OpinionBurst.day < until.astimezone(work.tz).date())
    return {
        "from": iso(since) if since else None,
        "to": iso(until) if until else None,
        "by": by,
        "posts": len(posts),
        "sentiment": {s: sum(p.sentiment == s for p in posts) for s in SENTIMENTS},
        "trend": trend(posts, by, work.tz),
        "top_categories": top_categories(posts),
        "top_terms": top_terms(posts),
        "response": response_times(posts),
        "bursts": [
            {
                "day": b.day.isoformat(),
                "category": b.category,
                "region": b.region,
                "count": b.count,
                "expected": round(b.expected, 2),
                "p_value": b.p_value,
            }
            for b in work.session.scalars(bursts)
        ],
    }
