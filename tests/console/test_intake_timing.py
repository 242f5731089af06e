"""Intake measures the call: the contact runs from when the form was opened to when the
ticket was recorded, across a customer lookup and a refused submission."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.test_intake import _contacts_of, _created_id, _intake
from tests.console.ticket_helpers import as_user
from tests.support import NOW
from tests.tickets.helpers import Desk


def _opened_at(html: str) -> str:
    match = re.search(r'name="opened_at" value="([^"]+)"', html)
    assert match, "the intake form carries the time it was opened"
    return match.group(1)


def test_the_contact_lasts_from_opening_the_form_to_recording_the_ticket(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    opened = _opened_at(client.get("/console/tickets/new").text)
    clock.advance(timedelta(seconds=40))
    looked_up = client.get(
        "/console/tickets/new", params={"msisdn": customer.msisdn, "opened_at": opened}
    )
    assert _opened_at(looked_up.text) == opened  # the lookup does not restart the call
    clock.advance(timedelta(seconds=50))
    refused = _intake(client, csrf, customer.msisdn, title="", opened_at=opened)
    assert refused.status_code == 422 and _opened_at(refused.text) == opened
    clock.advance(timedelta(seconds=90))
    _created_id(_intake(client, csrf, customer.msisdn, opened_at=opened))
    (contact,) = _contacts_of(database, customer.id)
    assert contact.at == NOW
    assert contact.duration_seconds == 180
    assert contact.ended_at == NOW + timedelta(seconds=180)


def test_an_unbelievable_opening_time_gives_a_contact_of_no_length(
    client: TestClient, database: Database, clock: FixedClock
) -> None:
    desk = Desk(client, database, clock)
    customer = desk.customer()
    csrf = as_user(client, "agent")
    future = (NOW + timedelta(hours=1)).isoformat()
    _created_id(_intake(client, csrf, customer.msisdn, opened_at=future))
    _created_id(_intake(client, csrf, customer.msisdn, opened_at="not a time", title="再次来电"))
    durations = sorted(c.duration_seconds or 0 for c in _contacts_of(database, customer.id))
    assert durations == [0, 0]
