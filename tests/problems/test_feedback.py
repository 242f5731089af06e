"""Feedback to the network, knowledge drafts from known errors and area-wide notices."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from fastapi.testclient import TestClient

from closeloop.kit.clock import FixedClock
from tests.problems.conftest import CELL, REGION, Desk
from tests.support.factories import CAUSE
from tests.support.problems import assert_problem


def _resolve(desk: Desk, client: TestClient, problem: dict[str, str]) -> None:
    response = client.post(
        f"/api/v1/problems/{problem['id']}/resolve",
        json={"cause_code": CAUSE, "resolution": "调整天线"},
        headers=desk.headers("supervisor"),
    )
    assert response.status_code == 200, response.text


def test_causes_mttr_recurring_cells_and_the_dtcqt_export(
    desk: Desk, client: TestClient, clock: FixedClock
) -> None:
    for _ in range(2):
        problem = desk.problem()
        desk.ticket()
        clock.advance(timedelta(hours=3))
        _resolve(desk, client, problem)
    report = desk.get("/api/v1/problems/feedback?from=2026-11-01&to=2026-12-01")
    assert report["causes"] == [{"region": REGION, "category": "signal", "cause_code": CAUSE,
                                 "problems": 2, "mttr_hours": 3.0}]  # fmt: skip
    assert [c["cell_id"] for c in report["recurring_cells"]] == [CELL]
    assert report["proposals"][0]["by_month"] == "2026-11:2"
    exported = client.get(
        "/api/v1/problems/dtcqt.csv?from=2026-11-01&to=2026-12-01",
        headers=desk.headers("supervisor"),
    )
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert (rows[0]["cell_id"], rows[0]["problems"], rows[0]["reason"]) == (CELL, "2", "recurring")
    bad = client.get("/api/v1/problems/feedback?from=2026-12-01&to=2026-11-01",
                     headers=desk.headers("supervisor"))  # fmt: skip
    assert_problem(bad, 422, field=["query", "from"])


def test_a_known_error_becomes_a_knowledge_draft_once(desk: Desk, client: TestClient) -> None:
    problem = desk.problem()
    path = f"/api/v1/problems/{problem['id']}"
    headers = desk.headers("supervisor")
    assert_problem(client.post(f"{path}/article", headers=headers), 409)
    client.post(f"{path}/known_error", json={"note": "电源故障"}, headers=headers)
    made = client.post(f"{path}/article", headers=headers)
    assert made.status_code == 201, made.text
    assert_problem(client.post(f"{path}/article", headers=headers), 409)
    drafts = desk.get("/api/v1/kb/articles?status=draft", "editor")["items"]
    assert any(problem["number"] in d.get("answer", d.get("question", "")) or
               "known_problems" in d.get("category", "") for d in drafts)  # fmt: skip


def test_announcing_tells_the_whole_area_through_care_and_resolving_says_it_is_back(
    desk: Desk, client: TestClient
) -> None:
    desk.factory.customer(region=REGION)
    problem = desk.problem(cell_ids=[])
    path = f"/api/v1/problems/{problem['id']}"
    told = client.post(f"{path}/announce", json={"description": "光缆中断"},
                       headers=desk.headers("supervisor"))  # fmt: skip
    assert told.status_code == 200, told.text
    outages = desk.get("/api/v1/notifications?rule=outage")["items"]
    assert outages and all("光缆中断" in n["text"] for n in outages)
    assert_problem(
        client.post(f"{path}/announce", json={}, headers=desk.headers("supervisor")), 409
    )
    _resolve(desk, client, problem)
    assert desk.get("/api/v1/care/outages?status=closed")["items"]
