"""A problem tells its whole area (区域告知): care's outage notice is one of the ways a problem
informs customers — every customer of its region or with an open ticket at its cells gets the
outage notice once, and the "service is back" notice when the problem is resolved."""

from __future__ import annotations

from datetime import timedelta

from closeloop.care import outages
from closeloop.kit.errors import Conflict
from closeloop.problems import timeline
from closeloop.problems.area import cells_of
from closeloop.problems.models import Problem
from closeloop.runtime.work import Work


def announce(work: Work, problem: Problem, description: str = "") -> int:
    """Declare the problem's outage to its area; how many customers were notified. 409 when
    the problem is no longer live or already announced."""
    if problem.outage_id is not None:
        raise Conflict("this problem's area has been told already")
    if problem.status not in ("open", "investigating", "known_error"):
        raise Conflict(f"a problem that is {problem.status} is not announced")
    now = work.now()
    end = problem.expected_restore_at
    spec = outages.OutageSpec(
        kind="outage", regions=[problem.region] if problem.region else [],
        cell_ids=cells_of(problem.cell_ids), starts_at=problem.detected_at,
        expected_end_at=end if end and end > problem.detected_at else now + timedelta(hours=4),
        description=(description or problem.title)[:200],
    )  # fmt: skip
    outage = outages.open_outage(work.session, work.actor, work.settings, spec, clock=work.clock)
    problem.outage_id = outage.id
    timeline.note(work, problem, "announce", f"outage {outage.id}: notified {outage.notified}")
    return outage.notified


def close_announcement(work: Work, problem: Problem) -> None:
    """Tell the area service is back, when the problem had announced an outage still open."""
    if problem.outage_id is None:
        return
    outage = outages.get_outage(work.session, str(problem.outage_id))
    if outage.status == "open":
        outages.close_outage(work.session, work.actor, work.settings, outage, clock=work.clock)
        timeline.note(work, problem, "announce_closed", f"outage {outage.id}")
