"""Problems as the API and the console read them: with their tickets, alarms and timeline
(a fixed number of queries however many problems)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from closeloop.kit.errors import InvalidInput
from closeloop.kit.ids import parse_id
from closeloop.problems.models import Problem
from closeloop.problems.schemas import AlarmOut, EventOut, ProblemDetail, ProblemOut
from closeloop.problems.service import alarms_of, linked_ids
from closeloop.problems.timeline import events_of


def shown(session: Session, problems: list[Problem]) -> list[ProblemOut]:
    """Problems with their linked ticket ids and alarm ids (two queries for all)."""
    ids = [p.id for p in problems]
    tickets, alarms = linked_ids(session, ids), alarms_of(session, ids)
    return [ProblemOut.of(p, tickets[p.id], alarms[p.id]) for p in problems]


def detail(session: Session, problem: Problem) -> ProblemDetail:
    """One problem with its alarms and timeline."""
    alarms = alarms_of(session, [problem.id])[problem.id]
    base = ProblemOut.of(problem, linked_ids(session, [problem.id])[problem.id], alarms)
    return ProblemDetail(
        **base.model_dump(),
        alarms=[AlarmOut.of(a) for a in alarms],
        timeline=[EventOut.of(e) for e in events_of(session, problem.id)],
    )


def ticket_ids(values: Sequence[str | int], field: str = "ticket_ids") -> list[int]:
    """Ticket ids as sent (strings or numbers); 422 naming the position of one that is not."""
    found = []
    for i, value in enumerate(values):
        number = parse_id(str(value))
        if number is None:
            raise InvalidInput.field([field, i], f"not a ticket id: {value!r}")
        found.append(number)
    return found
