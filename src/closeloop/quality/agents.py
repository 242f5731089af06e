"""Per-agent quality score (坐席质检得分) per period, the read service the KPI scorecards use,
and coaching tasks (辅导任务) for agents below the threshold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from closeloop.auth import audit
from closeloop.kit.errors import Forbidden
from closeloop.quality.models import CoachingTask, QaReview
from closeloop.quality.settings import COACHING_THRESHOLD
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class AgentScore:
    """An agent's reviews in a period and the mean of their totals (settled totals count)."""

    agent: str
    reviews: int
    average: float | None


def _counted(start: datetime, end: datetime):  # type: ignore[no-untyped-def]
    return (
        QaReview.kind == "review",
        QaReview.created_at >= start,
        QaReview.created_at < end,
    )


def qa_scores(work: Work, start: datetime, end: datetime) -> list[AgentScore]:
    """Every reviewed agent's score in [start, end), by username."""
    query = (
        select(QaReview.agent, func.count(), func.avg(QaReview.final_total))
        .where(*_counted(start, end))
        .group_by(QaReview.agent)
        .order_by(QaReview.agent)
    )
    return [
        AgentScore(agent, int(n), round(float(avg), 2) if avg is not None else None)
        for agent, n, avg in work.session.execute(query)
    ]


def qa_score(work: Work, agent: str, start: datetime, end: datetime) -> AgentScore:
    """One agent's score in [start, end): QA and supervisors see anyone's, an agent their own."""
    own = work.actor.can("qa.own") and work.actor.username == agent
    if not (work.actor.can("qa.read") or own):
        raise Forbidden("only quality staff and the agent themselves see an agent's score")
    found = [s for s in qa_scores(work, start, end) if s.agent == agent]
    return found[0] if found else AgentScore(agent, 0, None)


def agent_reviews(work: Work, agent: str, start: datetime, end: datetime) -> list[QaReview]:
    """The agent's reviews in [start, end), newest first (after the same check as qa_score)."""
    qa_score(work, agent, start, end)
    query = (
        select(QaReview).where(QaReview.agent == agent, *_counted(start, end))
        .order_by(QaReview.created_at.desc(), QaReview.id.desc())
    )  # fmt: skip
    return list(work.session.scalars(query))


def assign_coaching(work: Work, start: datetime, end: datetime) -> list[CoachingTask]:
    """A coaching task for every agent whose score in the period is below the threshold (once
    per agent and period); the tasks made now."""
    work.actor.require("qa.manage")
    threshold = float(work.business(COACHING_THRESHOLD.key))
    existing = set(
        work.session.scalars(
            select(CoachingTask.agent).where(
                CoachingTask.period_from == start, CoachingTask.period_to == end
            )
        )
    )
    made = []
    for score in qa_scores(work, start, end):
        if score.average is None or score.average >= threshold or score.agent in existing:
            continue
        task = CoachingTask(
            agent=score.agent, period_from=start, period_to=end, average=score.average,
            threshold=threshold, status="open", created_by=work.actor.username,
            created_at=work.now(),
        )  # fmt: skip
        work.session.add(task)
        made.append(task)
    work.session.flush()
    for task in made:
        audit.record(
            work.session, work.actor, "qa.coaching", "qa_coaching_task", task.id,
            f"{task.agent}: {task.average} < {threshold}", clock=work.clock,
        )  # fmt: skip
    return made


def coaching_tasks(work: Work, agent: str | None = None) -> list[CoachingTask]:
    """Coaching tasks, newest first (an agent sees only their own)."""
    if not work.actor.can("qa.read"):
        agent = work.actor.username
    query = select(CoachingTask).order_by(CoachingTask.id.desc())
    if agent:
        query = query.where(CoachingTask.agent == agent)
    return list(work.session.scalars(query))
