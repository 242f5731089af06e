"""The problem pages: list, detail with its steps, feedback with its CSV, and the known
problem shown to the agent at intake and on the ticket; in Chinese and English."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.console.helpers import sign_in
from tests.support.factories import CAUSE, Factory
from tests.support.personas import Personas

REGION = "页面测试县"
CELL = "CELL-PAGE-1"


def _problem(client: TestClient, as_user: Personas) -> dict[str, Any]:
    body = {"title": "基站退服", "category": "signal", "region": REGION, "cell_ids": [CELL]}
    made = client.post("/api/v1/problems", json=body, headers=as_user.headers("supervisor"))
    assert made.status_code == 201, made.text
    return made.json()


def _ticket(client: TestClient, as_user: Personas, factory: Factory) -> dict[str, Any]:
    customer = factory.customer(region=REGION)
    body = {
        "customer_id": customer.id, "channel": "hotline", "type": "fault",
        "category": "signal/indoor/weak", "severity": "high", "title": "没信号",
        "description": "家里没信号", "location": {"region": REGION, "cell_id": CELL},
    }  # fmt: skip
    made = client.post("/api/v1/tickets", json=body, headers=as_user.headers("agent"))
    assert made.status_code == 201, made.text
    return made.json()


def test_the_list_and_the_detail_in_both_languages(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    problem = _problem(client, as_user)
    ticket = _ticket(client, as_user, factory)
    sign_in(client, "supervisor")
    listing = client.get("/console/problems")
    assert listing.status_code == 200
    assert problem["number"] in listing.text and "待处理" in listing.text
    assert "Open" in client.get("/console/problems?lang=en").text
    detail = client.get(f"/console/problems/{problem['id']}")
    assert ticket["number"] in detail.text and "排查中" not in detail.text
    assert f'action="/console/problems/{problem["id"]}/resolve"' in detail.text
    assert "style=" not in detail.text and "<script>" not in detail.text


def test_resolving_from_the_page_replies_the_tickets(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    problem = _problem(client, as_user)
    ticket = _ticket(client, as_user, factory)
    csrf = sign_in(client, "supervisor")
    refused = client.post(
        f"/console/problems/{problem['id']}/resolve",
        data={"csrf_token": csrf, "cause_code": CAUSE, "resolution": ""},
    )
    assert refused.status_code == 422
    done = client.post(
        f"/console/problems/{problem['id']}/resolve",
        data={"csrf_token": csrf, "cause_code": CAUSE, "resolution": "已更换电源"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    replied = client.get(f"/api/v1/tickets/{ticket['id']}", headers=as_user.headers("supervisor"))
    assert replied.json()["status"] == "replied"
    assert "已解决" in client.get(done.headers["location"]).text


def test_the_agent_sees_the_known_problem_at_intake_and_on_the_ticket(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    problem = _problem(client, as_user)
    ticket = _ticket(client, as_user, factory)
    sign_in(client, "agent")
    assert problem["number"] in client.get("/console/tickets/new").text
    page = client.get(f"/console/tickets/{ticket['id']}").text
    assert "已知网络问题" in page and problem["number"] in page
    assert client.post(f"/console/problems/{problem['id']}/close", data={}).status_code == 403


def test_feedback_page_and_csv(client: TestClient, as_user: Personas, factory: Factory) -> None:
    problem = _problem(client, as_user)
    _ticket(client, as_user, factory)
    client.post(f"/api/v1/problems/{problem['id']}/resolve",
                json={"cause_code": CAUSE, "resolution": "修复"},
                headers=as_user.headers("supervisor"))  # fmt: skip
    sign_in(client, "supervisor")
    page = client.get("/console/problems/feedback")
    assert page.status_code == 200 and "<svg" in page.text and CAUSE in page.text
    exported = client.get("/console/problems/feedback.csv")
    assert exported.text.splitlines()[0].startswith("cell_id,region,reason")
    assert re.search(r"<h1>[^<]*网络", page.text) or "反馈" in page.text
