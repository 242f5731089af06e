"""What the reviewers' pages list (质检工作台): samples with their progress, a sample's tickets
with their reviews."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from closeloop.kit.errors import NotFound
from closeloop.kit.ids import parse_id
from closeloop.quality.models import QaReview, QaSample, QaSampleItem, Rubric
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class SampleLine:
    """A sample with its rubric and how many of its tickets have their review."""

    sample: QaSample
    rubric: Rubric
    items: int
    reviewed: int


@dataclass(frozen=True)
class ItemLine:
    """A sampled ticket with its reviews (the review first, then calibrations, settlement)."""

    item: QaSampleItem
    reviews: list[QaReview]

    @property
    def review(self) -> QaReview | None:
        """The review that counts for the agent, if any."""
        return next((r for r in self.reviews if r.kind == "review"), None)


def samples(work: Work, limit: int = 100) -> list[SampleLine]:
    """Recent samples, newest first."""
    work.actor.require("qa.read")
    counts = (
        select(
            QaSampleItem.sample_id,
            func.count(QaSampleItem.id.distinct()).label("item_count"),
            func.count(QaReview.id.distinct()).label("reviewed"),
        )
        .outerjoin(
            QaReview, (QaReview.sample_item_id == QaSampleItem.id) & (QaReview.kind == "review")
        )
        .group_by(QaSampleItem.sample_id)
        .subquery()
    )
    query = (
        select(QaSample, Rubric, counts.c.item_count, counts.c.reviewed)
        .join(Rubric, Rubric.id == QaSample.rubric_id)
        .outerjoin(counts, counts.c.sample_id == QaSample.id)
        .order_by(QaSample.id.desc())
        .limit(limit)
    )
    return [
        SampleLine(s, r, int(n or 0), int(done or 0))
        for s, r, n, done in work.session.execute(query)
    ]


def sample_lines(work: Work, sample_id: int) -> list[ItemLine]:
    """A sample's tickets with their reviews."""
    work.actor.require("qa.read")
    items = list(
        work.session.scalars(
            select(QaSampleItem)
            .where(QaSampleItem.sample_id == sample_id)
            .order_by(QaSampleItem.id)
        )
    )
    reviews: dict[int, list[QaReview]] = {i.id: [] for i in items}
    if items:
        for r in work.session.scalars(
            select(QaReview).where(QaReview.sample_item_id.in_(list(reviews))).order_by(QaReview.id)
        ):
            reviews[r.sample_item_id].append(r)
    return [ItemLine(i, reviews[i.id]) for i in items]


def item_line(work: Work, item_id: str) -> tuple[ItemLine, QaSample, Rubric]:
    """One sampled ticket with its reviews, its sample and rubric (404 when there is none)."""
    work.actor.require("qa.read")
    number = parse_id(item_id)
    item = work.session.get(QaSampleItem, number) if number else None
    if item is None:
        raise NotFound("no such sampled ticket")
    sample = work.session.get(QaSample, item.sample_id)
    assert sample is not None
    rubric = work.session.get(Rubric, sample.rubric_id)
    assert rubric is not None
    line = next(x for x in sample_lines(work, sample.id) if x.item.id == item.id)
    return line, sample, rubric
