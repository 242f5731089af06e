"""A problem's timeline (问题单时间线): append entries, read them back."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.problems.models import Problem, ProblemEvent
from closeloop.runtime.work import Work


def note(
    work: Work,
    problem: Problem,
    action: str,
    text: str = "",
    *,
    from_status: str | None = None,
    to_status: str | None = None,
) -> None:
    """Add a step to the problem's timeline and the audit log (every change is both)."""
    session = work.session
    session.add(
        ProblemEvent(
            problem_id=problem.id, at=work.now(), actor=work.actor.username, action=action,
            from_status=from_status, to_status=to_status, note=text[:2000],
        )
    )  # fmt: skip
    move = f" {from_status}→{to_status}" if to_status else ""
    audit.record(
        session, work.actor, f"problem.{action}", "problem", problem.id,
        f"{problem.number}{move} {text}"[:500], clock=work.clock,
    )  # fmt: skip


def events_of(session: Session, problem_id: int) -> list[ProblemEvent]:
    """A problem's timeline, oldest first."""
    return list(
        session.scalars(
            select(ProblemEvent)
            .where(ProblemEvent.problem_id == problem_id)
            .order_by(ProblemEvent.id)
        )
    )
