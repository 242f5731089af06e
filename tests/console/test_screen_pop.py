"""The screen pop in the console: a call ringing at the agent's seat shows its caller."""

from __future__ import annotations

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from tests.channels.helpers import a_customer
from tests.console.helpers import sign_in
from tests.support import Personas
from tests.support.demo import ADMIN, AGENT, EDITOR


def test_a_ringing_call_pops_its_caller_for_that_agent_only(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    customer = a_customer(database)
    ring = {
        "event": "ringing", "call_id": "pop-1", "caller": customer.msisdn, "agent": AGENT,
        "at": "2026-11-23T09:58:00+08:00",
    }  # fmt: skip
    assert client.post("/api/v1/cti/events", json=ring, headers=as_user.headers(ADMIN)).is_success

    sign_in(client, AGENT)
    assert "screen_pop.js" in client.get("/console").text
    pops = client.get("/console/calls/pops").json()["items"]

    assert [(p["call_id"], p["status"]) for p in pops] == [("pop-1", "ringing")]
    assert pops[0]["caller"] == f"{customer.msisdn[:3]}****{customer.msisdn[-4:]}"
    assert pops[0]["url"] == f"/console/tickets/new?msisdn={customer.msisdn}"
    sign_in(client, "agent2")
    assert client.get("/console/calls/pops").json()["items"] == []


def test_the_knowledge_editor_gets_no_screen_pop(client: TestClient) -> None:
    sign_in(client, EDITOR)
    assert "screen_pop.js" not in client.get("/console/knowledge/manage").text
    assert client.get("/console/calls/pops").status_code == 403
