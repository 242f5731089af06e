"""Problems (问题单服务): open one, link tickets, move it through its workflow, resolve it.

While a problem is live (open, investigating, known error) it holds its tickets: they skip
station dispatch (tickets.holds) and their customers are told the fault is known. Resolving
it replies every linked open ticket with the cause through the tickets service (callbacks
follow as usual) and tells their customers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from closeloop.db.links import children_of
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.organisation.models import Cause, Station
from closeloop.organisation.service import leaf_problem
from closeloop.problems import announce, notices, timeline, workflow
from closeloop.problems.area import cells_of, cells_text, is_top_level
from closeloop.problems.choices import LIVE_STATUSES
from closeloop.problems.models import Alarm, Problem, ProblemTicket
from closeloop.problems.settings import RESTORE_HOURS
from closeloop.runtime.work import Work
from closeloop.tickets import holds
from closeloop.tickets.arrivals import TicketRow, ticket_rows
from closeloop.tickets.schemas import ReplyBody

READ = "problems.read"
MANAGE = "problems.manage"
# Who works a problem when nobody names a station: the station of its top-level category.
OWNERS = {"signal": "wireless", "broadband": "field", "billing": "billing", "sms": "vas"}
DEFAULT_OWNER = "netops"


@dataclass(frozen=True)
class ProblemSpec:
    """A problem as opened: what, where, by which way, and what detection saw."""

    title: str
    category: str
    source: str = "manual"
    region: str | None = None
    cell_ids: Sequence[str] = ()
    station: str | None = None
    expected_restore_at: datetime | None = None
    evidence: str = ""
    ticket_ids: Sequence[int] = field(default_factory=tuple)


def _owner(session: Session, spec: ProblemSpec) -> str | None:
    # an alarm is network monitoring's own; a burst goes to its category's station
    by_category = DEFAULT_OWNER if spec.source == "alarm" else OWNERS.get(spec.category)
    code = spec.station or by_category or DEFAULT_OWNER
    station = session.get(Station, code)
    if station is None or station.retired_at is not None:
        if spec.station:
            raise InvalidInput.field("station", f"no station {spec.station!r}")
        return None
    return code


def open_problem(work: Work, spec: ProblemSpec, *, how: str = "manual") -> Problem:
    """Record a new problem (status open), link its tickets and tell their customers.

    422 naming the field for a category that is not top-level, no area, an unknown station.
    """
    session, now = work.session, work.now()
    if not is_top_level(session, spec.category):
        raise InvalidInput.field("category", f"{spec.category!r} is not a top-level category")
    if not spec.region and not spec.cell_ids:
        raise InvalidInput.field("region", "name a region or at least one cell id")
    restore = spec.expected_restore_at or now + timedelta(hours=work.business(RESTORE_HOURS.key))
    if restore.tzinfo is None:
        raise InvalidInput.field("expected_restore_at", "needs an offset")
    problem = Problem(
        status="open", source=spec.source, title=spec.title[:200], category=spec.category,
        region=spec.region, cell_ids=cells_text(spec.cell_ids), station=_owner(session, spec),
        detected_at=now, expected_restore_at=restore, evidence=spec.evidence,
        created_by=work.actor.username, created_at=now, updated_at=now,
    )  # fmt: skip
    session.add(problem)
    session.flush()
    problem.number = f"PB{now.astimezone(work.tz):%Y%m%d}{problem.id:05d}"
    timeline.note(work, problem, "open", f"{spec.source}: {spec.title}", to_status="open")
    if spec.ticket_ids:
        link_tickets(work, problem, list(spec.ticket_ids), how=how)
    return problem


def get_problem(session: Session, problem_id: str) -> Problem:
    """One problem by its id as a URL spells it, or 404."""
    number = parse_id(problem_id)
    problem = session.get(Problem, number) if number is not None else None
    if problem is None:
        raise NotFound(f"no problem {problem_id!r}")
    return problem


def list_problems(
    session: Session, *, status: str | None = None, limit: int = 50, after: int | None = None
) -> list[Problem]:
    """Problems, newest first (`limit` + 1 fetched by the caller to page)."""
    query = select(Problem).order_by(Problem.id.desc()).limit(limit)
    if status:
        query = query.where(Problem.status == status)
    if after is not None:
        query = query.where(Problem.id < after)
    return list(session.scalars(query))


def live_problems(session: Session) -> list[Problem]:
    """Problems that still hold their tickets (open, investigating, known error)."""
    return list(
        session.scalars(
            select(Problem).where(Problem.status.in_(LIVE_STATUSES)).order_by(Problem.id)
        )
    )


def linked_ids(session: Session, problem_ids: list[int]) -> dict[int, list[int]]:
    """The tickets linked to each problem, in id order (one query)."""
    return children_of(session, ProblemTicket.problem_id, ProblemTicket.ticket_id, problem_ids)


def alarms_of(session: Session, problem_ids: list[int]) -> dict[int, list[Alarm]]:
    """The alarms joined to each problem, in id order (one query)."""
    found: dict[int, list[Alarm]] = {i: [] for i in problem_ids}
    if problem_ids:
        query = select(Alarm).where(Alarm.problem_id.in_(problem_ids)).order_by(Alarm.id)
        for alarm in session.scalars(query):
            found[alarm.problem_id].append(alarm)  # type: ignore[index]
    return found


def problem_of_ticket(session: Session, ticket_id: int) -> Problem | None:
    """The latest problem a ticket is linked to, if any."""
    return session.scalar(
        select(Problem)
        .join(ProblemTicket, ProblemTicket.problem_id == Problem.id)
        .where(ProblemTicket.ticket_id == ticket_id)
        .order_by(Problem.id.desc())
        .limit(1)
    )


def _check_tickets(rows: list[TicketRow], wanted: list[int]) -> None:
    known = {r.id for r in rows}
    for i, ticket_id in enumerate(wanted):
        if ticket_id not in known:
            raise InvalidInput.field(["ticket_ids", i], f"no ticket {ticket_id}")


def link_tickets(
    work: Work, problem: Problem, ticket_ids: list[int], *, how: str = "manual"
) -> list[int]:
    """Link tickets to the problem (the ones linked already are left as they are); while it
    is live they are held (no station dispatch) and their customers told the fault is known.
    The ids newly linked. 422 naming an unknown ticket; 409 for a problem already closed."""
    session = work.session
    if problem.status == "closed":
        raise Conflict("a closed problem takes no more tickets")
    wanted = list(dict.fromkeys(ticket_ids))
    rows = ticket_rows(session, wanted)
    _check_tickets(rows, wanted)
    already = set(linked_ids(session, [problem.id])[problem.id])
    new_rows = [r for r in rows if r.id not in already]
    if not new_rows:
        return []
    now = work.now()
    session.execute(
        insert(ProblemTicket),
        [{"problem_id": problem.id, "ticket_id": r.id, "linked_at": now, "how": how}
         for r in new_rows],
    )  # fmt: skip
    problem.updated_at = now
    if problem.status in LIVE_STATUSES:
        assert problem.number is not None
        held = set(holds.hold(session, work.actor, [r.id for r in new_rows], problem.number,
                              clock=work.clock))  # fmt: skip
        notices.tell_known(work, problem, [r for r in new_rows if r.id in held])
    numbers = ", ".join(r.number for r in new_rows)
    timeline.note(work, problem, "link", f"{how}: {numbers}")
    return [r.id for r in new_rows]


def _refused(problem: Problem, action: str) -> Conflict:
    return Conflict(
        f"cannot {action} a problem that is {problem.status}",
        extra={"from_status": problem.status, "action": action,
               "allowed": workflow.allowed(problem.status)},
    )  # fmt: skip


def move(work: Work, problem: Problem, action: str, note: str = "") -> Problem:
    """Take a workflow step that needs only a note (investigate, known_error, close); 409 when
    the table does not allow it from the problem's status."""
    if action not in workflow.NOTE_ACTIONS:
        raise InvalidInput.field("action", f"must be one of {', '.join(workflow.NOTE_ACTIONS)}")
    target = workflow.target(action, problem.status)
    if target is None:
        raise _refused(problem, action)
    before, now = problem.status, work.now()
    problem.status, problem.updated_at = target, now
    if target == "closed":
        problem.closed_at = now
    timeline.note(work, problem, action, note, from_status=before, to_status=target)
    return problem


def resolve(work: Work, problem: Problem, cause_code: str, resolution: str) -> Problem:
    """Resolve the problem: reply every linked ticket still open with the cause, tell their
    customers, release the hold, close its outage notice. 409 from another status, 422 for a
    cause that is not a usable leaf."""
    session = work.session
    if workflow.target("resolve", problem.status) is None:
        raise _refused(problem, "resolve")
    problem_text = leaf_problem(session, Cause, cause_code)
    if problem_text:
        raise InvalidInput.field("cause_code", problem_text)
    before, now = problem.status, work.now()
    problem.status, problem.cause_code, problem.resolution = "resolved", cause_code, resolution
    problem.resolved_at = problem.updated_at = now
    body = ReplyBody(cause_code=cause_code, resolution=f"【问题单{problem.number}】{resolution}")
    ticket_ids = linked_ids(session, [problem.id])[problem.id]
    replied = holds.reply_all(session, work.actor, ticket_ids, body, clock=work.clock)
    told = notices.tell_resolved(work, problem, ticket_rows(session, replied))
    assert problem.number is not None
    holds.release(session, work.actor, problem.number, clock=work.clock)
    announce.close_announcement(work, problem)
    timeline.note(
        work, problem, "resolve", f"{cause_code}: {resolution} (replied {len(replied)} tickets, "
        f"told {told} customers)", from_status=before, to_status="resolved",
    )  # fmt: skip
    return problem


def extend_area(work: Work, problem: Problem, cells: Sequence[str], note: str) -> bool:
    """Add cells to a live problem's area; whether any was new."""
    known = cells_of(problem.cell_ids)
    added = sorted(set(cells) - set(known))
    if not added:
        return False
    problem.cell_ids = cells_text([*known, *added])
    problem.updated_at = work.now()
    timeline.note(work, problem, "extend", f"{note}: {', '.join(added)}")
    return True
