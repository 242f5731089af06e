"""Burst detection over real tickets (`closeloop problems detect`): a quiet cell's burst opens
one problem with its tickets held and told; a few tickets open none; a rerun opens no second."""

from __future__ import annotations

import json
from datetime import timedelta

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.problems import module as problems_module
from closeloop.problems import tasks
from tests.problems.conftest import CELL, Desk
from tests.support.cli import Cli
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
