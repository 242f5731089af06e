"""Network alarms (网络告警) from monitoring systems: raised and cleared, one row per source and
alarm id; an alarm joins the live problem of its place, and a critical or major one opens a
problem on its own before customers call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput
from closeloop.problems import timeline
from closeloop.problems.area import cells_of, cells_text, covers
from closeloop.problems.choices import ALARM_SEVERITIES, OPENS
from closeloop.problems.models import Alarm, Problem
from closeloop.problems.service import ProblemSpec, extend_area, live_problems, open_problem
from closeloop.runtime.work import Work

RAISE = "alarms.raise"
# The top-level category customers report a network fault under.
ALARM_CATEGORY = "signal"
OPENING = ALARM_SEVERITIES.tagged(OPENS)


@dataclass(frozen=True)
class AlarmReport:
    """An alarm as a monitoring system sends it."""

    source: str
    alarm_id: str
    severity: str
    raised_at: datetime
    text: str
    cleared_at: datetime | None = None
    region: str | None = None
    cell_ids: Sequence[str] = ()


def _check(report: AlarmReport) -> None:
    for name in ("raised_at", "cleared_at"):
        value = getattr(report, name)
        if value is not None and value.tzinfo is None:
            raise InvalidInput.field(name, "needs an offset")
    if report.cleared_at is not None and report.cleared_at < report.raised_at:
        raise InvalidInput.field("cleared_at", "must not be before raised_at")


def receive(work: Work, report: AlarmReport) -> tuple[Alarm, bool]:
    """Record an alarm, or update the one with the same source and alarm id (e.g. cleared);
    then join it to a problem. The alarm and whether it was new."""
    _check(report)
    session, now = work.session, work.now()
    alarm = session.scalar(
        select(Alarm).where(Alarm.source == report.source, Alarm.alarm_id == report.alarm_id)
    )
    created = alarm is None
    if alarm is None:
        alarm = Alarm(source=report.source, alarm_id=report.alarm_id, received_at=now)
        session.add(alarm)
    was_cleared = alarm.cleared_at is not None
    alarm.severity, alarm.raised_at, alarm.cleared_at = (
        report.severity, report.raised_at, report.cleared_at,
    )  # fmt: skip
    alarm.region, alarm.cell_ids, alarm.text = (
        report.region,
        cells_text(report.cell_ids),
        report.text,
    )
    alarm.updated_at = now
    session.flush()
    change = "raise" if created else ("clear" if alarm.cleared_at and not was_cleared else "update")
    audit.record(
        session, work.actor, f"alarm.{change}", "alarm", alarm.id,
        f"{alarm.source}/{alarm.alarm_id} {alarm.severity} {alarm.text}"[:500], clock=work.clock,
    )  # fmt: skip
    if alarm.problem_id is not None and alarm.cleared_at is not None and not was_cleared:
        problem = session.get(Problem, alarm.problem_id)
        if problem is not None:
            timeline.note(work, problem, "alarm_cleared", f"{alarm.source}/{alarm.alarm_id}")
    elif alarm.problem_id is None and alarm.cleared_at is None:
        attach(work, alarm, live_problems(session))
    return alarm, created


def _place(alarm: Alarm) -> str:
    cells = cells_of(alarm.cell_ids)
    return "、".join(cells[:3]) if cells else (alarm.region or "")


def attach(work: Work, alarm: Alarm, problems: list[Problem]) -> Problem | None:
    """Join an open alarm to the live problem of its place, or open one from a critical or
    major alarm; the problem, or None when a lesser alarm finds none."""
    cells = cells_of(alarm.cell_ids)
    for problem in problems:
        area = cells_of(problem.cell_ids)
        places: list[str | None] = [*cells] or [None]
        if any(covers(problem.region, area, alarm.region, c) for c in places):
            alarm.problem_id = problem.id
            extend_area(work, problem, cells, f"alarm {alarm.alarm_id}")
            timeline.note(work, problem, "alarm", f"{alarm.source}/{alarm.alarm_id} {alarm.text}")
            return problem
    if alarm.severity not in OPENING or not (alarm.region or cells):
        return None
    spec = ProblemSpec(
        title=f"网络告警：{_place(alarm)} {alarm.text}"[:200], category=ALARM_CATEGORY,
        source="alarm", region=alarm.region, cell_ids=cells,
        evidence=f"alarm {alarm.source}/{alarm.alarm_id} {alarm.severity}",
    )  # fmt: skip
    problem = open_problem(work, spec)
    alarm.problem_id = problem.id
    timeline.note(work, problem, "alarm", f"{alarm.source}/{alarm.alarm_id} {alarm.text}")
    return problem


def unattached_open(session: Session) -> list[Alarm]:
    """Open alarms not yet joined to a problem, oldest first."""
    return list(
        session.scalars(
            select(Alarm)
            .where(Alarm.cleared_at.is_(None), Alarm.problem_id.is_(None))
            .order_by(Alarm.raised_at, Alarm.id)
        )
    )


def list_alarms(session: Session, *, open_only: bool = False, limit: int = 50) -> list[Alarm]:
    """Alarms, newest first."""
    query = select(Alarm).order_by(Alarm.id.desc()).limit(limit)
    if open_only:
        query = query.where(Alarm.cleared_at.is_(None))
    return list(session.scalars(query))
