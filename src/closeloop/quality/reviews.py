"""QA reviews (质检评分), disputes (申诉) and their settlement by a second reviewer.

A sampled ticket gets one review; further reviewers score it as `calibration` (they do not
count towards the agent's score). The agent may dispute their review once, with a reason; a
second reviewer — not the first — settles it with new scores, whose total then counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.quality import qa_rules
from closeloop.quality.models import QaDispute, QaReview, QaSample, QaSampleItem, Rubric
from closeloop.quality.rubrics import items_of
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class Scoring:
    """A reviewer's scores per item, a comment per item, and an overall comment."""

    scores: Mapping[str, Any]
    item_comments: Mapping[str, str]
    comment: str | None = None


def _checked(rubric: Rubric, scoring: Scoring) -> tuple[dict[str, int], int]:
    items = items_of(rubric)
    problems = qa_rules.check_scores(items, scoring.scores)
    unknown = [c for c in scoring.item_comments if c not in {i.code for i in items}]
    problems += [(c, "comment on an item not in this rubric") for c in unknown]
    if problems:
        errors = [{"loc": ["scores", code], "msg": msg} for code, msg in problems]
        raise InvalidInput("; ".join(f"{c}: {m}" for c, m in problems), errors)
    scores = {k: int(v) for k, v in scoring.scores.items()}
    return scores, qa_rules.total(items, scores)


def _sample_item(work: Work, sample_item_id: str) -> QaSampleItem:
    number = parse_id(sample_item_id)
    item = work.session.get(QaSampleItem, number) if number else None
    if item is None:
        raise InvalidInput.field(["sample_item_id"], "no such sample item")
    return item


def review(
    work: Work, sample_item_id: str, scoring: Scoring, *, calibration: bool = False
) -> QaReview:
    """Score a sampled ticket: 201 the review with its total; 409 when it has its review
    (a second reviewer scores it as calibration), or the reviewer already scored it."""
    work.actor.require("qa.review")
    item = _sample_item(work, sample_item_id)
    rubric = _rubric_of(work, item)
    scores, total = _checked(rubric, scoring)
    earlier = list(work.session.scalars(select(QaReview).where(QaReview.sample_item_id == item.id)))
    if any(r.reviewer == work.actor.username for r in earlier):
        raise Conflict("you have already scored this ticket")
    has_review = any(r.kind == "review" for r in earlier)
    if has_review and not calibration:
        raise Conflict("this ticket has its review; score it as calibration")
    kind = "calibration" if calibration and has_review else "review"
    row = QaReview(
        sample_item_id=item.id, rubric_id=rubric.id, agent=item.agent,
        reviewer=work.actor.username, kind=kind, scores=scores,
        item_comments=dict(scoring.item_comments), comment=scoring.comment, total=total,
        final_total=total, created_at=work.now(),
    )  # fmt: skip
    work.session.add(row)
    work.session.flush()
    audit.record(
        work.session, work.actor, f"qa.{kind}", "qa_review", row.id,
        f"ticket {item.ticket_id} agent {item.agent}: {total}", clock=work.clock,
    )  # fmt: skip
    return row


def _rubric_of(work: Work, item: QaSampleItem) -> Rubric:
    sample = work.session.get(QaSample, item.sample_id)
    assert sample is not None
    rubric = work.session.get(Rubric, sample.rubric_id)
    assert rubric is not None
    return rubric


def get_review(work: Work, review_id: str) -> QaReview:
    """A review the actor may see: QA and supervisors any, an agent their own (else 404)."""
    number = parse_id(review_id)
    row = work.session.get(QaReview, number) if number else None
    if row is None or not (
        work.actor.can("qa.read") or (work.actor.can("qa.own") and row.agent == work.actor.username)
    ):
        raise NotFound("no such review")
    return row


def dispute(work: Work, review_id: str, reason: str) -> QaDispute:
    """The reviewed agent disputes their review, once, with a reason."""
    work.actor.require("qa.dispute")
    row = get_review(work, review_id)
    if row.agent != work.actor.username or row.kind != "review":
        raise Forbidden("only the reviewed agent may dispute their review")
    if not reason.strip():
        raise InvalidInput.field(["reason"], "give a reason")
    if work.session.scalar(select(QaDispute.id).where(QaDispute.review_id == row.id)):
        raise Conflict("this review has already been disputed")
    found = QaDispute(
        review_id=row.id, agent=row.agent, reason=reason.strip(), status="open",
        created_at=work.now(),
    )  # fmt: skip
    work.session.add(found)
    work.session.flush()
    audit.record(
        work.session, work.actor, "qa.dispute", "qa_review", row.id, reason[:200], clock=work.clock
    )
    return found


def settle(work: Work, review_id: str, scoring: Scoring) -> tuple[QaDispute, QaReview]:
    """A second reviewer settles the open dispute of a review with their own scores."""
    work.actor.require("qa.settle")
    row = get_review(work, review_id)
    found = work.session.scalar(select(QaDispute).where(QaDispute.review_id == row.id))
    if found is None or found.status != "open":
        raise Conflict("this review has no open dispute")
    if work.actor.username == row.reviewer:
        raise Forbidden("a second reviewer settles a dispute, not the first")
    item = work.session.get(QaSampleItem, row.sample_item_id)
    assert item is not None
    rubric = work.session.get(Rubric, row.rubric_id)
    assert rubric is not None
    scores, total = _checked(rubric, scoring)
    settlement = QaReview(
        sample_item_id=item.id, rubric_id=rubric.id, agent=row.agent,
        reviewer=work.actor.username, kind="settlement", scores=scores,
        item_comments=dict(scoring.item_comments), comment=scoring.comment, total=total,
        final_total=total, created_at=work.now(),
    )  # fmt: skip
    work.session.add(settlement)
    work.session.flush()
    row.final_total = total
    found.status, found.settled_by, found.settled_at = "settled", work.actor.username, work.now()
    found.settlement_review_id = settlement.id
    audit.record(
        work.session, work.actor, "qa.settle", "qa_review", row.id,
        f"{row.total} → {total}", clock=work.clock,
    )  # fmt: skip
    return found, settlement


def dispute_of(work: Work, review_id: int) -> QaDispute | None:
    """The dispute of a review, if any."""
    return work.session.scalar(select(QaDispute).where(QaDispute.review_id == review_id))
