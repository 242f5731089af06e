"""Contacts' handling time: recorded with an end or a duration, or ended later through
`POST /api/v1/contacts/{id}/end`; refused ends name the field."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.customers.test_customers_api import create
from tests.support import NOW, Personas, assert_problem, error_locs


def _contact(client: TestClient, as_user: Personas, customer_id: str, **extra: Any) -> Any:
    body = {"channel": "hotline", "summary": "来电咨询", **extra}
    return client.post(
        f"/api/v1/customers/{customer_id}/contacts", json=body, headers=as_user.headers("agent")
    )


def _end(
    client: TestClient, as_user: Personas, contact_id: str, user: str = "agent", **body: Any
) -> Any:
    return client.post(
        f"/api/v1/contacts/{contact_id}/end", json=body or None, headers=as_user.headers(user)
    )


def test_a_contact_ended_later_has_its_handling_time(
    client: TestClient, as_user: Personas, clock: FixedClock, database: Database
) -> None:
    customer_id = create(client, as_user).json()["id"]
    started = _contact(client, as_user, customer_id)
    assert started.status_code == 201, started.text
    contact = started.json()
    assert contact["ended_at"] is None and contact["duration_seconds"] is None
    clock.advance(timedelta(minutes=4, seconds=30))
    ended = _end(client, as_user, contact["id"])
    assert ended.status_code == 200, ended.text
    assert ended.json()["duration_seconds"] == 270
    assert datetime.fromisoformat(ended.json()["ended_at"]) == NOW + timedelta(seconds=270)
    again = _end(client, as_user, contact["id"])
    assert_problem(again, 409)
    timeline = client.get(
        f"/api/v1/customers/{customer_id}/timeline", headers=as_user.headers("agent")
    ).json()
    assert timeline["items"][0]["detail"]["duration_seconds"] == 270
    with database.unit_of_work() as session:
        actions = session.scalars(
            select(AuditEntry.action).where(AuditEntry.action.like("contact.%"))
        ).all()
    assert "contact.end" in actions


def test_a_contact_ends_at_the_instant_given(
    client: TestClient, as_user: Personas, clock: FixedClock
) -> None:
    customer_id = create(client, as_user).json()["id"]
    contact = _contact(client, as_user, customer_id).json()
    clock.advance(timedelta(hours=1))
    at = (NOW + timedelta(seconds=95)).isoformat()
    ended = _end(client, as_user, contact["id"], at=at)
    assert ended.json()["duration_seconds"] == 95


def test_a_call_reported_afterwards_carries_its_duration(
    client: TestClient, as_user: Personas
) -> None:
    customer_id = create(client, as_user).json()["id"]
    began = NOW - timedelta(minutes=10)
    by_duration = _contact(
        client, as_user, customer_id, started_at=began.isoformat(), duration_seconds=125
    )
    assert by_duration.status_code == 201, by_duration.text
    assert by_duration.json()["duration_seconds"] == 125
    assert datetime.fromisoformat(by_duration.json()["at"]) == began
    assert datetime.fromisoformat(by_duration.json()["ended_at"]) == began + timedelta(seconds=125)
    by_end = _contact(
        client, as_user, customer_id, started_at=began.isoformat(), ended_at=NOW.isoformat()
    )
    assert by_end.json()["duration_seconds"] == 600


def test_refused_ends_name_the_field(client: TestClient, as_user: Personas) -> None:
    customer_id = create(client, as_user).json()["id"]
    contact = _contact(client, as_user, customer_id).json()
    before = (NOW - timedelta(seconds=1)).isoformat()
    assert ["at"] in error_locs(
        assert_problem(_end(client, as_user, contact["id"], at=before), 422)
    )
    future = (NOW + timedelta(minutes=1)).isoformat()
    assert ["at"] in error_locs(
        assert_problem(_end(client, as_user, contact["id"], at=future), 422)
    )
    naive = _end(client, as_user, contact["id"], at="2026-11-23T10:00:00")
    assert_problem(naive, 422)
    negative = _contact(client, as_user, customer_id, duration_seconds=-5)
    assert ["duration_seconds"] in error_locs(assert_problem(negative, 422))
    ahead = _contact(client, as_user, customer_id, started_at=future)
    assert ["started_at"] in error_locs(assert_problem(ahead, 422))
    backwards = _contact(client, as_user, customer_id, started_at=NOW.isoformat(), ended_at=before)
    assert ["ended_at"] in error_locs(assert_problem(backwards, 422))
    both = _contact(client, as_user, customer_id, ended_at=NOW.isoformat(), duration_seconds=3)
    assert_problem(both, 422)


def test_ending_contacts_needs_the_contact_permission(
    client: TestClient, as_user: Personas
) -> None:
    customer_id = create(client, as_user).json()["id"]
    contact = _contact(client, as_user, customer_id).json()
    assert _end(client, as_user, contact["id"], user="wireless").status_code == 403
    assert_problem(client.post(f"/api/v1/contacts/{contact['id']}/end"), 401)
    assert_problem(_end(client, as_user, "999999999"), 404)
    assert _end(client, as_user, contact["id"], user="callback").status_code == 200
