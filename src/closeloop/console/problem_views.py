"""What the problem pages show (问题单页面): live problems an agent can tell a caller about,
a problem's tickets and alarms, the charts of the network feedback. No rules: reads only."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import Session

from closeloop.console import charts
from closeloop.problems import feedback
from closeloop.problems.area import cells_of
from closeloop.problems.models import Problem
from closeloop.problems.service import linked_ids, live_problems, problem_of_ticket


@dataclass(frozen=True)
class KnownProblem:
    """A live problem as the intake and ticket pages mention it."""

    id: int
    number: str
    title: str
    area: str
    restore_at: object


def _known(p: Problem) -> KnownProblem:
    cells = cells_of(p.cell_ids)
    area = " ".join(filter(None, [p.region or "", ", ".join(cells[:5])]))
    return KnownProblem(p.id, p.number or "", p.title, area, p.expected_restore_at)


def known_problems(session: Session, region: str | None = None) -> list[KnownProblem]:
    """Live problems, those of `region` first when given (at most ten)."""
    found = live_problems(session)
    found.sort(key=lambda p: (p.region != region, -p.id))
    return [_known(p) for p in found[:10]]


def known_for_ticket(session: Session, ticket_id: int) -> KnownProblem | None:
    """The live problem holding a ticket, if any."""
    problem = problem_of_ticket(session, ticket_id)
    if problem is None or problem.status in ("resolved", "closed"):
        return None
    return _known(problem)


def ticket_counts(session: Session, problems: list[Problem]) -> dict[int, int]:
    """How many tickets each problem holds (one query)."""
    return {k: len(v) for k, v in linked_ids(session, [p.id for p in problems]).items()}


def feedback_charts(
    _: Callable[[str], str], causes: list[feedback.CauseRow], cells: list[feedback.CellRow]
) -> dict[str, Markup]:
    """The feedback page's charts: problems by cause, and the most complained-about cells."""
    by_cause: dict[str, int] = {}
    for row in causes:
        by_cause[row.cause_code] = by_cause.get(row.cause_code, 0) + row.problems
    return {
        "causes": charts.bar_chart(
            sorted(by_cause.items(), key=lambda kv: -kv[1])[:10],
            title=_("Resolved problems by cause"),
        ),
        "cells": charts.bar_chart(
            [(c.cell_id, c.tickets) for c in cells[:10]],
            title=_("Signal tickets at the cells proposed for DT/CQT"),
        ),
    }
