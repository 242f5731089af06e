"""New tickets join a live problem at creation (新工单自动挂靠): a ticket of a live problem's
top-level category opened in its area is linked, held (no station dispatch) and its customer
told at once that the fault is known. Listens to the tickets domain's create event."""

from __future__ import annotations

from closeloop.problems.area import cells_of, covers, top_levels
from closeloop.problems.models import Problem
from closeloop.problems.service import link_tickets, live_problems
from closeloop.runtime.work import Work
from closeloop.tickets.events import TicketChanged


def matching_problem(
    problems: list[Problem], category: str, region: str | None, cell_id: str | None
) -> Problem | None:
    """The live problem (the earliest) whose category and area a ticket falls in, if any."""
    for problem in problems:
        if problem.category == category and covers(
            problem.region, cells_of(problem.cell_ids), region, cell_id
        ):
            return problem
    return None


def join_live_problem(work: Work, event: TicketChanged) -> None:
    """Link a just-opened ticket to the live problem that covers it."""
    if event.action != "create":
        return
    problems = live_problems(work.session)
    if not problems:
        return
    ticket = event.ticket
    top = top_levels(work.session).get(ticket.category, ticket.category)
    problem = matching_problem(problems, top, ticket.region, ticket.cell_id)
    if problem is not None:
        link_tickets(work, problem, [ticket.id], how="creation")
