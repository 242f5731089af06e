"""The demo's public opinion (演示舆情): a few hundred watched posts over the last four weeks,
written by the opinion domain's own seeded generator and taken in through its real intake (the
shipped classifier, `social` tickets, urgent alerts), with one negative broadband burst in one
region three days ago, found by the real detector. Only into a database without posts."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.config import Settings
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock
from closeloop.opinion.detect import detect_bursts
from closeloop.opinion.intake import take_post, watch_in_force
from closeloop.opinion.models import OpinionPost
from closeloop.opinion.schemas import PostIn
from closeloop.opinion.training.generator import generate
from closeloop.runtime.work import Work

SEED = 2022
DAYS = 28
BURST_POSTS = 14
BURST_REGION = "长沙市"
REGIONS = ("长沙市", "株洲市", "湘潭市", "衡阳市", "岳阳市", "常德市", "郴州市")
SOURCES = ("weibo", "weibo", "douyin", "tieba", "app-review")
BROADBAND_TROUBLE = (
    "家里宽带从昨晚断到现在，报修电话一直占线",
    "小区宽带整片断网，光猫红灯闪个不停",
    "宽带又掉线了，今天第三次，打游戏直接被踢",
    "晚上宽带慢得像拨号，测速只有几兆",
    "宽带断了一整天，在家办公全耽误了",
)
CRAWLER = Actor(
    username="demo-crawler", roles=("crawler",), permissions=frozenset({"opinion.ingest"})
)


def _at(rng: random.Random, day: date, work: Work) -> str:
    moment = datetime(day.year, day.month, day.day, tzinfo=work.tz) + timedelta(
        minutes=rng.randrange(7 * 60, 23 * 60)
    )
    return moment.isoformat()


def _posts(rng: random.Random, work: Work, count: int) -> list[PostIn]:
    today = work.today()
    posts = [
        PostIn(
            id=f"demo-{i:04d}",
            text=e.text,
            source=rng.choice(SOURCES),
            author=f"网友{rng.randrange(1, count // 2):03d}",
            region=rng.choice(REGIONS),
            posted_at=_at(rng, today - timedelta(days=rng.randrange(1, DAYS)), work),
            url=f"https://weibo.example/demo/{i}",
        )
        for i, e in enumerate(generate(count, SEED))
    ]
    burst_day = today - timedelta(days=3)
    posts += [
        PostIn(
            id=f"demo-burst-{i:02d}",
            text=f"{rng.choice(BROADBAND_TROUBLE)}，联通管不管？",
            source="weibo",
            author=f"长沙网友{i:02d}",
            region=BURST_REGION,
            posted_at=_at(rng, burst_day, work),
        )
        for i in range(BURST_POSTS)
    ]
    return posts


def seed_opinion(session: Session, settings: Settings, clock: Clock, count: int = 360) -> int:
    """Demo posts (generated plus the burst's), taken in oldest first; how many were stored."""
    if session.scalar(select(OpinionPost.id).limit(1)) is not None:
        return 0
    work = Work(session, settings, clock=clock, actor=CRAWLER).bind()
    rng = random.Random(SEED)
    watch = watch_in_force(session)
    stored = 0
    for data in sorted(_posts(rng, work, count), key=lambda p: p.posted_at):
        stored += take_post(work, data, watch=watch).post is not None
    today = work.today()
    for back in range(DAYS, 0, -1):
        detect_bursts(work, today - timedelta(days=back))
    return stored
