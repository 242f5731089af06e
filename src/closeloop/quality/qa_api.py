"""Quality inspection endpoints (CONTRACT §7 质检): rubrics, samples, reviews, disputes,
calibration, per-agent scores and coaching. Roles `qa` and supervisor; agents read their own
reviews and dispute them, and get 403 on scoring."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from closeloop.auth.deps import CurrentWork, work_requiring
from closeloop.kit.timefmt import iso
from closeloop.quality import agents, calibration, mystery, reviews, rubrics, samples
from closeloop.quality.models import QaReview
from closeloop.quality.period import period
from closeloop.quality.qa_rules import RubricItem
from closeloop.quality.qa_schemas import (
    AgentScoreOut,
    CoachingIn,
    CoachingOut,
    DisputeIn,
    MysteryVisitIn,
    MysteryVisitOut,
    ReviewIn,
    ReviewOut,
    RubricIn,
    RubricOut,
    SampleIn,
    SampleItemOut,
    SampleOut,
    SettleIn,
)
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/qa", tags=["quality inspection"])

Manager = Annotated[Work, Depends(work_requiring("qa.manage"))]
Reviewer = Annotated[Work, Depends(work_requiring("qa.review"))]
Reader = Annotated[Work, Depends(work_requiring("qa.read"))]


def _rubric_out(r: Any) -> RubricOut:
    return RubricOut(id=str(r.id), code=r.code, version=r.version, name=r.name, items=r.items)


def review_out(work: Work, row: QaReview) -> ReviewOut:
    """A review's shape, with its dispute if any."""
    found = reviews.dispute_of(work, row.id)
    dispute = None
    if found is not None:
        dispute = {
            "reason": found.reason, "status": found.status, "settled_by": found.settled_by,
            "created_at": iso(found.created_at),
        }  # fmt: skip
    return ReviewOut(
        id=str(row.id), sample_item_id=str(row.sample_item_id), agent=row.agent,
        reviewer=row.reviewer, kind=row.kind, scores=row.scores, comments=row.item_comments,
        comment=row.comment, total=row.total, final_total=row.final_total,
        created_at=iso(row.created_at), dispute=dispute,
    )  # fmt: skip


@router.post("/rubrics", status_code=201)
def write_rubric(body: RubricIn, work: Manager) -> RubricOut:
    """A rubric (weights adding up to 100), or the next version of one with this code."""
    items = [RubricItem(i.code, i.text, i.weight, i.fatal) for i in body.items]
    return _rubric_out(rubrics.write_rubric(work, body.code, body.name, items))


@router.get("/rubrics")
def list_rubrics(work: Reader) -> list[RubricOut]:
    """Each rubric's latest version."""
    return [_rubric_out(r) for r in rubrics.latest_rubrics(work)]


@router.post("/samples", status_code=201)
def draw_sample(body: SampleIn, work: Manager) -> SampleOut:
    """Closed tickets of each front-line agent in the period, riskiest first or at random."""
    start, end = period(body.from_, body.to, work.tz)
    sample, items = samples.draw_sample(
        work, body.rubric, start, end, body.per_agent, method=body.method, seed=body.seed
    )
    rubric = rubrics.rubric_by_code(work, body.rubric)
    return SampleOut(
        id=str(sample.id), rubric=rubric.code, rubric_version=rubric.version,
        method=sample.method, seed=sample.seed,
        items=[SampleItemOut(id=str(i.id), ticket_id=str(i.ticket_id), agent=i.agent,
                             risk=i.risk, reasons=i.reasons) for i in items],
    )  # fmt: skip


@router.get("/samples/{sample_id}/calibration")
def sample_calibration(sample_id: str, work: Reader) -> dict[str, Any]:
    """Reviewers' agreement on the sample (Krippendorff's α) and the items they differ on most."""
    return calibration.calibration(work, samples.get_sample(work, sample_id))


@router.post("/reviews", status_code=201)
def review(body: ReviewIn, work: Reviewer) -> ReviewOut:
    """Score a sampled ticket; total = Σ points, 0 when a fatal item scores 0."""
    scoring = reviews.Scoring(body.scores, body.comments, body.comment)
    item = str(body.sample_item_id)
    return review_out(work, reviews.review(work, item, scoring, calibration=body.calibration))


@router.get("/reviews/{review_id}")
def get_review(review_id: str, work: CurrentWork) -> ReviewOut:
    """A review: QA and supervisors any, an agent their own."""
    return review_out(work, reviews.get_review(work, review_id))


@router.post("/reviews/{review_id}/dispute", status_code=201)
def dispute(review_id: str, body: DisputeIn, work: CurrentWork) -> ReviewOut:
    """The reviewed agent disputes their review, once."""
    found = reviews.dispute(work, review_id, body.reason)
    return review_out(work, reviews.get_review(work, str(found.review_id)))


@router.post("/reviews/{review_id}/settle")
def settle(review_id: str, body: SettleIn, work: CurrentWork) -> ReviewOut:
    """A second reviewer settles the dispute; their total then counts."""
    scoring = reviews.Scoring(body.scores, body.comments, body.comment)
    reviews.settle(work, review_id, scoring)
    return review_out(work, reviews.get_review(work, review_id))


@router.get("/agents/{username}")
def agent_score(
    username: str,
    work: CurrentWork,
    from_: Annotated[str | None, Query(alias="from", max_length=40)] = None,
    to: Annotated[str | None, Query(max_length=40)] = None,
) -> AgentScoreOut:
    """An agent's reviews in the period (default: this month so far) and their average total;
    QA and supervisors see anyone's, an agent their own."""
    today = work.today()
    start, end = period(
        from_ or today.replace(day=1).isoformat(), to or today.isoformat(), work.tz, "query"
    )
    score = agents.qa_score(work, username, start, end)
    items = [review_out(work, r) for r in agents.agent_reviews(work, username, start, end)]
    return AgentScoreOut(agent=username, reviews=items, count=score.reviews, average=score.average)


@router.post("/coaching", status_code=201)
def assign_coaching(body: CoachingIn, work: Manager) -> list[CoachingOut]:
    """A coaching task for every agent below the threshold in the period."""
    start, end = period(body.from_, body.to, work.tz)
    return [_coaching_out(t) for t in agents.assign_coaching(work, start, end)]


@router.get("/coaching")
def list_coaching(work: CurrentWork) -> list[CoachingOut]:
    """Coaching tasks (an agent sees their own)."""
    return [_coaching_out(t) for t in agents.coaching_tasks(work)]


def _coaching_out(t: Any) -> CoachingOut:
    return CoachingOut(
        id=str(t.id), agent=t.agent, average=t.average, threshold=t.threshold, status=t.status,
        created_at=iso(t.created_at),
    )  # fmt: skip


@router.post("/mystery-visits", status_code=201)
def record_mystery_visit(body: MysteryVisitIn, work: Manager) -> MysteryVisitOut:
    """A mystery shopper's visit or call (神秘顾客), scored against its checklist."""
    visited_at = (
        body.visited_at if body.visited_at.tzinfo else body.visited_at.replace(tzinfo=work.tz)
    )
    visit = mystery.Visit(
        body.checklist, body.place, body.channel, visited_at, body.shopper, body.scores,
        body.note,
    )  # fmt: skip
    row = mystery.record_visit(work, visit)
    return MysteryVisitOut(id=str(row.id), place=row.place, channel=row.channel, total=row.total)


@router.get("/mystery-visits/trends")
def mystery_trends(
    work: Reader,
    from_: Annotated[str, Query(alias="from", max_length=40)],
    to: Annotated[str, Query(max_length=40)],
) -> dict[str, list[dict[str, Any]]]:
    """Visits and their mean total per place and month."""
    start, end = period(from_, to, work.tz, "query")
    return {"items": mystery.trends(work, start, end)}
