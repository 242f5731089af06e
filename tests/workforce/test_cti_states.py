"""The phone system's call events, through CONTRACT §14's endpoint, set the agent's state."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.runtime.work import Work
from closeloop.workforce import states
from tests.channels.helpers import a_customer
from tests.support import Factory, api_token, bearer
from tests.support.demo import AGENT


def test_answered_and_ended_calls_put_the_agent_on_a_contact_then_in_wrap_up(
    client: TestClient, database: Database, factory: Factory
) -> None:
    user = factory.user("cti")
    phone_system = bearer(api_token(client, user.username, user.password))
    customer = a_customer(database)
    for kind, at in (
        ("ringing", "2026-11-23T09:50:00+08:00"),
        ("answered", "2026-11-23T09:50:05+08:00"),
        ("ended", "2026-11-23T09:53:10+08:00"),
    ):
        body = {"event": kind, "call_id": "wfm-1", "caller": customer.msisdn, "agent": AGENT}
        sent = client.post("/api/v1/cti/events", json={**body, "at": at}, headers=phone_system)
        assert sent.status_code == 200, sent.text
    start = datetime(2026, 11, 23, 1, 50, tzinfo=UTC)
    end = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    with database.unit_of_work(write=False) as session:
        (share,) = states.time_in_states(Work.of(session), start, end)
    assert share.agent == AGENT
    assert share.seconds["on_contact"] == 185
    assert share.seconds["after_contact_work"] > 0
