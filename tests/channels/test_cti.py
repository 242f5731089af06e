"""Phone-system events (CONTRACT §14): ringing pops the caller's panel, `ended` records a
`hotline` contact with its duration on the caller's timeline; signed requests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from closeloop.app import create_app
from closeloop.channels import calls, signing
from closeloop.channels.events import CallAnswered, CallEnded, CallEvent, CallRinging
from closeloop.channels.schemas import CallEventIn
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.runtime.events import EventBus
from closeloop.runtime.work import Work
from tests.channels.helpers import a_customer
from tests.support import Factory, Personas, api_token, assert_problem, bearer
from tests.support.demo import ADMIN, AGENT, EDITOR, NOW, SUPERVISOR

EVENTS = "/api/v1/cti/events"


def event(kind: str, call_id: str, caller: str, at: str, agent: str = AGENT) -> dict[str, Any]:
    return {"event": kind, "call_id": call_id, "caller": caller, "agent": agent, "at": at}


@pytest.fixture
def phone_system(client: TestClient, factory: Factory) -> dict[str, str]:
    """A machine client with the `cti` role, signed in."""
    user = factory.user("cti")
    return bearer(api_token(client, user.username, user.password))


def test_an_ended_call_is_a_hotline_contact_with_its_duration(
    client: TestClient, database: Database, as_user: Personas, phone_system: dict[str, str]
) -> None:
    customer = a_customer(database)
    for kind, at in (
        ("ringing", "2026-11-23T09:50:00+08:00"),
        ("answered", "2026-11-23T09:50:05+08:00"),
        ("ended", "2026-11-23T09:53:10+08:00"),
    ):
        sent = client.post(
            EVENTS, json=event(kind, "call-1", customer.msisdn, at), headers=phone_system
        )
        assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "ended" and sent.json()["duration_seconds"] == 185

    timeline = client.get(
        f"/api/v1/customers/{customer.id}/timeline", headers=as_user.headers(SUPERVISOR)
    ).json()["items"]

    contact = next(e for e in timeline if e["kind"] == "contact")
    assert contact["id"] == sent.json()["contact_id"]
    assert contact["detail"]["channel"] == "hotline"
    assert contact["detail"]["duration_seconds"] == 185
    assert contact["detail"]["agent"] == AGENT
    assert contact["at"] == "2026-11-23T01:50:05+00:00"


def test_the_same_end_twice_records_one_contact(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    customer = a_customer(database)
    admin = as_user.headers(ADMIN)
    client.post(
        EVENTS,
        json=event("answered", "c2", customer.msisdn, "2026-11-23T09:00:00+08:00"),
        headers=admin,
    )
    first = client.post(
        EVENTS,
        json=event("ended", "c2", customer.msisdn, "2026-11-23T09:01:00+08:00"),
        headers=admin,
    )
    again = client.post(
        EVENTS,
        json=event("ended", "c2", customer.msisdn, "2026-11-23T09:05:00+08:00"),
        headers=admin,
    )

    assert first.json()["contact_id"] == again.json()["contact_id"]
    assert again.json()["duration_seconds"] == 60


def test_ringing_pops_the_callers_panel_at_the_agents_seat(
    client: TestClient, database: Database, as_user: Personas, phone_system: dict[str, str]
) -> None:
    customer = a_customer(database)
    ring = event("ringing", "c3", f"+86{customer.msisdn}", "2026-11-23T09:59:00+08:00")
    assert client.post(EVENTS, json=ring, headers=phone_system).status_code == 200

    pops = client.get("/api/v1/cti/pops", headers=as_user.headers(AGENT)).json()

    assert [p["call"]["call_id"] for p in pops] == ["c3"]
    assert pops[0]["customer"]["id"] == str(customer.id)
    assert "****" in pops[0]["customer"]["msisdn"]
    assert client.get("/api/v1/cti/pops", headers=as_user.headers("agent2")).json() == []
    end = event("ended", "c3", customer.msisdn, "2026-11-23T09:59:30+08:00")
    client.post(EVENTS, json=end, headers=phone_system)
    assert client.get("/api/v1/cti/pops", headers=as_user.headers(AGENT)).json() == []


def test_only_the_phone_system_or_an_admin_reports_calls(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    body = event("ringing", "c4", a_customer(database).msisdn, "2026-11-23T09:00:00+08:00")
    assert_problem(client.post(EVENTS, json=body), 401)
    assert_problem(client.post(EVENTS, json=body, headers=as_user.headers(EDITOR)), 403)
    assert_problem(client.post(EVENTS, json=body, headers=as_user.headers(AGENT)), 403)
    assert client.post(EVENTS, json=body, headers=as_user.headers(ADMIN)).status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"event": "hangup"}, "event"),
        ({"at": "2026-11-23T09:00:00"}, "at"),
        ({"caller": "not-a-number"}, "caller"),
        ({"call_id": ""}, "call_id"),
    ],
)
def test_bad_events_name_the_field(
    client: TestClient, as_user: Personas, change: dict[str, str], field: str
) -> None:
    body = {**event("ringing", "c5", "13800138000", "2026-11-23T09:00:00+08:00"), **change}
    assert_problem(client.post(EVENTS, json=body, headers=as_user.headers(ADMIN)), 422, field=field)


@pytest.fixture
def signed_client(
    settings: Settings, database: Database, clock: FixedClock
) -> Iterator[TestClient]:
    keyed = settings.model_copy(update={"cti_secret": "pbx-key"})
    app = create_app(keyed, database=database, clock=clock, start_worker=False)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_with_a_key_set_only_signed_events_count(
    signed_client: TestClient, database: Database
) -> None:
    admin = bearer(api_token(signed_client, ADMIN))
    raw = json.dumps(
        event("ringing", "c6", a_customer(database).msisdn, "2026-11-23T09:00:00+08:00")
    ).encode()
    json_type = {"Content-Type": "application/json"}

    unsigned = signed_client.post(EVENTS, content=raw, headers={**admin, **json_type})
    forged = signed_client.post(
        EVENTS, content=raw,
        headers={**admin, **json_type, signing.HEADER: signing.signature("other", raw)},
    )  # fmt: skip
    signed = signed_client.post(
        EVENTS, content=raw,
        headers={**admin, **json_type, signing.HEADER: signing.signature("pbx-key", raw)},
    )  # fmt: skip

    assert_problem(unsigned, 401, detail_contains="signed")
    assert_problem(forged, 401, detail_contains="does not match")
    assert signed.status_code == 200, signed.text


def test_each_event_is_published_for_the_workforce_domain(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    seen: list[CallEvent] = []
    events = EventBus()
    events.subscribe(CallEvent, lambda _work, e: seen.append(e))
    admin = Actor(username="pbx", roles=("cti",), permissions=frozenset({"cti.events"}))
    caller = a_customer(database).msisdn
    with database.unit_of_work() as session:
        work = Work(session, settings, clock, admin, events).bind()
        for kind in ("ringing", "answered", "ended"):
            body = {"event": kind, "call_id": "c7", "caller": caller, "agent": AGENT, "at": NOW}
            calls.report(work, CallEventIn.model_validate(body))

    assert [type(e) for e in seen] == [CallRinging, CallAnswered, CallEnded]
    assert all(e.call_id == "c7" and e.caller == caller and e.agent == AGENT for e in seen)
    assert isinstance(seen[-1], CallEnded) and seen[-1].duration_seconds == 0
