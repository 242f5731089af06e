"""Network alarms (CONTRACT §9): raised, updated by source and alarm id, cleared; a critical
alarm opens a problem before customers call, a lesser one joins the problem of its place."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from tests.problems.conftest import CELL, REGION, Desk
from tests.support.factories import FACTORY_PASSWORD, Factory
from tests.support.problems import assert_problem
from tests.support.signin import bearer


def _alarm(**fields: Any) -> dict[str, Any]:
    return {"source": "oss-huawei", "alarm_id": "ALM-1", "severity": "critical",
            "raised_at": "2026-11-23T09:50:00+08:00", "region": REGION, "cell_ids": [CELL],
            "text": "基站退服", **fields}  # fmt: skip


def _netops(client: TestClient, factory: Factory) -> dict[str, str]:
    user = factory.user("netops")
    token = client.post(
        "/api/v1/auth/token", json={"username": user.username, "password": FACTORY_PASSWORD}
    ).json()["access_token"]
    return bearer(token)


def test_a_critical_alarm_opens_a_problem_and_new_tickets_join_it(
    desk: Desk, client: TestClient, factory: Factory
) -> None:
    headers = _netops(client, factory)
    raised = client.post("/api/v1/alarms", json=_alarm(), headers=headers)
    assert raised.status_code == 201, raised.text
    problem = desk.get(f"/api/v1/problems/{raised.json()['problem_id']}")
    assert (problem["source"], problem["status"], problem["alarm_ids"]) == (
        "alarm",
        "open",
        ["ALM-1"],
    )
    assert problem["station"] == "netops"
    ticket = desk.ticket()
    assert desk.get(f"/api/v1/problems/{problem['id']}")["ticket_ids"] == [ticket["id"]]


def test_the_same_source_and_alarm_id_update_it_and_clear_it(
    desk: Desk, client: TestClient, factory: Factory
) -> None:
    headers = _netops(client, factory)
    first = client.post("/api/v1/alarms", json=_alarm(), headers=headers).json()
    cleared = client.post(
        "/api/v1/alarms", json=_alarm(cleared_at="2026-11-23T10:20:00+08:00"), headers=headers
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["id"] == first["id"]
    assert cleared.json()["cleared_at"] == "2026-11-23T02:20:00+00:00"
    assert desk.get("/api/v1/alarms?open=true")["items"] == []
    timeline = desk.get(f"/api/v1/problems/{first['problem_id']}")["timeline"]
    assert "alarm_cleared" in [e["action"] for e in timeline]


def test_a_minor_alarm_alone_opens_nothing_but_joins_a_problem_of_its_place(
    desk: Desk, client: TestClient, factory: Factory
) -> None:
    headers = _netops(client, factory)
    minor = client.post("/api/v1/alarms", json=_alarm(severity="minor"), headers=headers).json()
    assert minor["problem_id"] is None
    problem = desk.problem()
    other = client.post(
        "/api/v1/alarms", json=_alarm(alarm_id="ALM-2", severity="warning"), headers=headers
    ).json()
    assert other["problem_id"] == problem["id"]


def test_who_may_send_alarms_and_bad_input(
    desk: Desk, client: TestClient, factory: Factory
) -> None:
    assert_problem(client.post("/api/v1/alarms", json=_alarm()), 401)
    assert_problem(client.post("/api/v1/alarms", json=_alarm(), headers=desk.headers("agent")), 403)
    headers = _netops(client, factory)
    bad = client.post("/api/v1/alarms", json=_alarm(severity="fatal"), headers=headers)
    assert_problem(bad, 422, field="severity")
    naive = client.post(
        "/api/v1/alarms", json=_alarm(raised_at="2026-11-23T09:50:00"), headers=headers
    )
    assert_problem(naive, 422, field="raised_at")
    machine = factory.user("client")
    token = client.post(
        "/api/v1/auth/token", json={"username": machine.username, "password": FACTORY_PASSWORD}
    ).json()["access_token"]
    assert client.post("/api/v1/alarms", json=_alarm(), headers=bearer(token)).status_code == 201


def test_every_alarm_change_is_audited(
    client: TestClient, factory: Factory, database: Database
) -> None:
    headers = _netops(client, factory)
    client.post("/api/v1/alarms", json=_alarm(), headers=headers)
    client.post(
        "/api/v1/alarms", json=_alarm(cleared_at="2026-11-23T10:20:00+08:00"), headers=headers
    )
    with database.unit_of_work(write=False) as session:
        actions = list(
            session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.action.like("alarm.%") | AuditEntry.action.like("problem.%"))
                .order_by(AuditEntry.id)
            )
        )
    assert actions == ["alarm.raise", "problem.open", "problem.alarm", "alarm.clear",
                       "problem.alarm_cleared"]  # fmt: skip
