"""Burst detection over real tickets (`closeloop problems detect`): a quiet cell's burst opens
one problem with its tickets held and told; a few tickets open none; a rerun opens no second."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.problems import module as problems_module
from closeloop.problems import tasks
from closeloop.problems.models import Problem
from closeloop.tickets.models import Ticket
from tests.problems.conftest import CELL, Desk
from tests.support.cli import Cli
from tests.support.demo import NOW
from tests.support.factories import Factory
from tests.support.problems import assert_problem


def _burst(desk: Desk, clock: FixedClock, count: int) -> list[str]:
    made = []
    for _ in range(count):
        made.append(desk.ticket()["id"])
        clock.advance(timedelta(minutes=2))
    return made


def test_a_burst_at_a_quiet_cell_opens_one_problem_holding_its_tickets(
    desk: Desk, clock: FixedClock, cli: Cli, client: TestClient
) -> None:
    tickets = _burst(desk, clock, 12)
    result = cli("problems", "detect", "--at", clock.now().isoformat())
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["bursts"] == 1 and len(summary["opened"]) == 1
    problems = desk.get("/api/v1/problems?status=open")["items"]
    assert len(problems) == 1
    problem = problems[0]
    assert (problem["source"], problem["category"], problem["cell_ids"]) == (
        "burst",
        "signal",
        [CELL],
    )
    assert sorted(problem["ticket_ids"], key=int) == tickets
    told = desk.get("/api/v1/notifications?rule=known_problem")["items"]
    assert len(told) == 12
    dispatch = client.post(
        f"/api/v1/tickets/{tickets[0]}/dispatch", json={"station": "wireless", "note": "转"},
        headers=desk.headers("expert"),
    )  # fmt: skip
    assert_problem(dispatch, 409)
    again = json.loads(cli("problems", "detect", "--at", clock.now().isoformat()).stdout)
    assert again["opened"] == [] and again["bursts"] == 0
    assert len(desk.get("/api/v1/problems")["items"]) == 1


def test_a_few_tickets_open_no_problem(desk: Desk, clock: FixedClock, cli: Cli) -> None:
    _burst(desk, clock, 4)
    summary = json.loads(cli("problems", "detect", "--at", clock.now().isoformat()).stdout)
    assert summary["bursts"] == 0
    assert desk.get("/api/v1/problems")["items"] == []


def test_detect_refuses_a_bad_time(cli: Cli) -> None:
    result = cli("problems", "detect", "--at", "yesterday")
    assert result.exit_code != 0
    assert "--at" in result.output


def test_the_worker_job_detects_as_of_its_clock(
    desk: Desk, clock: FixedClock, database: Database
) -> None:
    _burst(desk, clock, 12)
    with database.unit_of_work() as session:
        summary = tasks.detect(session, clock)
    assert isinstance(summary, dict) and len(summary["opened"]) == 1
    assert problems_module.MODULE.jobs[0].name == "problems.detect"


def test_the_same_tickets_are_a_burst_in_a_quiet_region_and_not_in_a_busy_one(
    factory: Factory, database: Database, clock: FixedClock, cli: Cli
) -> None:
    """Each region's own rate: six tickets in half an hour are news in a county that sees one
    a month, and an ordinary morning where 200 came in the last four weeks at this hour."""
    busy, quiet = factory.customer(region="繁忙市"), factory.customer(region="安静县")
    history = [int(factory.ticket(customer=busy).id) for _ in range(200)]
    with database.unit_of_work() as session:  # spread over the four weeks before, same hours
        for i, ticket_id in enumerate(history):
            at = NOW - timedelta(days=1 + i % 27) + timedelta(minutes=(i * 7) % 60)
            session.execute(update(Ticket).where(Ticket.id == ticket_id).values(created_at=at))
    for _ in range(6):
        factory.ticket(customer=busy)
        factory.ticket(customer=quiet)
        clock.advance(timedelta(minutes=5))
    summary = json.loads(cli("problems", "detect", "--at", clock.now().isoformat()).stdout)
    assert summary["bursts"] == 1
    problems = [p for p in _all_problems(database)]
    assert [(p.region, p.source) for p in problems] == [("安静县", "burst")]


def _all_problems(database: Database) -> list[Problem]:
    with database.unit_of_work(write=False) as session:
        found = list(session.scalars(select(Problem)))
        session.expunge_all()
        return found
