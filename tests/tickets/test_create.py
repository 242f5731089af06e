"""Opening tickets (CONTRACT §4): shape, numbering, validation, who may, idempotency, duplicates."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.models import TicketSequence
from tests.support import NOW
from tests.tickets.helpers import (
    CATEGORY,
    OTHER_CATEGORY,
    TICKETS,
    Desk,
    assert_problem,
    audit_count,
    error_locs,
    ticket_body,
)

TICKET_FIELDS = {
    "id",
    "number",
    "status",
    "version",
    "customer_id",
    "channel",
    "type",
    "category",
    "severity",
    "title",
    "description",
    "station",
    "assignee",
    "due_at",
    "overdue",
    "resolution_due_at",
    "cause_code",
    "resolution",
    "satisfaction",
    "reopen_count",
    "created_at",
    "updated_at",
    "history",
    "breaches",
}
HISTORY_FIELDS = {"at", "actor", "action", "from_status", "to_status", "station", "note"}
NUMBER = re.compile(r"^TT(\d{8})(\d{6})$")
# 196 is not among the demo prefixes: nobody has this number.
UNKNOWN_MSISDN = "19612345678"


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def instant(value: str) -> datetime:
    """An ISO 8601 timestamp that carries its offset."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed


def sequence_last(database: Database, day: str) -> int:
    with database.unit_of_work() as session:
        row = session.scalar(select(TicketSequence.last).where(TicketSequence.day == day))
        return int(row or 0)


def count_for(desk: Desk, customer_id: str) -> int:
    return len(desk.list_ids("admin", customer_id=customer_id))


# shape ---------------------------------------------------------------------------------------


def test_create_returns_every_contract_field(desk: Desk, database: Database) -> None:
    customer_id = desk.customer_id()
    before = sequence_last(database, "20261123")
    response = desk.post_ticket(ticket_body(customer_id, channel="app", severity="high"))

    assert response.status_code == 201, response.text
    assert response.headers["content-type"].startswith("application/json")
    ticket = response.json()
    assert response.headers["ETag"] == '"1"'
    assert ticket.keys() >= TICKET_FIELDS
    assert isinstance(ticket["id"], str) and ticket["id"].isdigit()
    assert ticket["number"] == f"TT20261123{before + 1:06d}"
    assert ticket["status"] == "new"
    assert ticket["version"] == 1
    assert ticket["customer_id"] == customer_id
    assert ticket["channel"] == "app"
    assert ticket["type"] == "fault"
    assert ticket["category"] == CATEGORY
    assert ticket["severity"] == "high"
    assert ticket["title"] == "家里手机信号很差"
    assert ticket["description"].startswith("客户反映")
    assert ticket["station"] is None
    assert ticket["assignee"] is None
    assert ticket["overdue"] is False
    assert instant(ticket["resolution_due_at"]) == NOW + timedelta(hours=12)
    assert instant(ticket["due_at"]) == instant(ticket["resolution_due_at"])
    assert ticket["cause_code"] is None
    assert ticket["resolution"] is None
    assert ticket["satisfaction"] is None
    assert ticket["reopen_count"] == 0
    assert instant(ticket["created_at"]) == NOW
    assert instant(ticket["updated_at"]) == NOW
    assert ticket["breaches"] == []
    assert ticket["possible_duplicate_of"] is None
    [entry] = ticket["history"]
    assert entry.keys() >= HISTORY_FIELDS
    assert entry["actor"] == "agent"
    assert entry["action"] == "create"
    assert entry["from_status"] is None
    assert entry["to_status"] == "new"
    assert entry["station"] is None
    assert instant(entry["at"]) == NOW

    # The read shows the same ticket with the same ETag.
    read = desk.client.get(f"{TICKETS}/{ticket['id']}", headers=desk.headers("agent"))
    assert read.status_code == 200
    assert read.headers["ETag"] == '"1"'
    shown = read.json()
    for field in TICKET_FIELDS - {"overdue"}:
        assert shown[field] == ticket[field], field
    assert response.headers["Location"].endswith(f"/api/v1/tickets/{ticket['id']}")


@pytest.mark.parametrize(
    ("ticket_type", "severity", "hours"),
    [
        ("fault", "urgent", 4),
        ("fault", "high", 12),
        ("fault", "normal", 24),
        ("fault", "low", 48),
        ("complaint", "high", 24),
        ("inquiry", "normal", 24),
        ("request", "urgent", 8),
        ("suggestion", "low", 168),
    ],
)
def test_resolution_deadline_follows_type_and_severity(
    desk: Desk, ticket_type: str, severity: str, hours: int
) -> None:
    ticket = desk.create(type=ticket_type, severity=severity)
    assert instant(ticket["resolution_due_at"]) == NOW + timedelta(hours=hours)


@pytest.mark.parametrize("channel", ["hotline", "online", "app", "sms", "social", "store"])
def test_every_channel_is_accepted(desk: Desk, channel: str) -> None:
    assert desk.create(channel=channel)["channel"] == channel


def test_create_by_msisdn(desk: Desk) -> None:
    customer = desk.customer()
    body = ticket_body(None, msisdn=customer.msisdn)
    response = desk.post_ticket(body)
    assert response.status_code == 201, response.text
    assert response.json()["customer_id"] == str(customer.id)


def test_create_with_matching_customer_id_and_msisdn(desk: Desk) -> None:
    customer = desk.customer()
    response = desk.post_ticket(ticket_body(str(customer.id), msisdn=customer.msisdn))
    assert response.status_code == 201, response.text


def test_create_with_location(desk: Desk) -> None:
    location = {"region": "长沙市", "cell_id": "CS-0412", "address": "岳麓区麓山南路1号"}
    ticket = desk.create(location=location)
    assert ticket["location"] == location


# numbering -----------------------------------------------------------------------------------


def test_numbers_are_sequential_within_a_local_day(desk: Desk) -> None:
    numbers = [desk.create()["number"] for _ in range(3)]
    parsed = [NUMBER.match(n) for n in numbers]
    assert all(parsed), numbers
    assert {m.group(1) for m in parsed if m} == {"20261123"}
    sequence = [int(m.group(2)) for m in parsed if m]
    assert sequence == [sequence[0], sequence[0] + 1, sequence[0] + 2]


def test_numbers_use_the_shanghai_date_and_restart_each_local_day(
    desk: Desk, clock: FixedClock, database: Database
) -> None:
    first = desk.create()["number"]
    assert first.startswith("TT20261123")

    # 23:59 in Shanghai (15:59 UTC): still the 23rd.
    desk.advance(timedelta(hours=13, minutes=59))
    late = desk.create()["number"]
    assert late.startswith("TT20261123")
    assert int(late[-6:]) == int(first[-6:]) + 1

    # 00:30 in Shanghai on the 24th is still the 23rd in UTC: the local date counts.
    desk.advance(timedelta(minutes=31))
    assert clock.now().date().isoformat() == "2026-11-23"
    start = sequence_last(database, "20261124")
    next_day = [desk.create()["number"] for _ in range(2)]
    assert next_day == [f"TT20261124{start + 1:06d}", f"TT20261124{start + 2:06d}"]


# validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": "fax"}, "channel"),
        ({"channel": ""}, "channel"),
        ({"type": "bug"}, "type"),
        ({"severity": "critical"}, "severity"),
        ({"severity": "HIGH"}, "severity"),
        ({"category": "signal"}, "category"),  # top level, not a leaf
        ({"category": "signal/indoor"}, "category"),  # second level, not a leaf
        ({"category": "signal/indoor/nowhere"}, "category"),
        ({"category": "no/such/thing"}, "category"),
        ({"category": ""}, "category"),
        ({"title": ""}, "title"),
        ({"title": "长" * 201}, "title"),
        ({"description": ""}, "description"),
        ({"customer_id": "999999999"}, "customer_id"),
        ({"customer_id": "abc"}, "customer_id"),
        ({"priority": "p1"}, "priority"),  # extra fields are refused
        ({"location": {"region": "长沙市", "floor": 3}}, "location"),
        ({"title": 5}, "title"),
    ],
)
def test_invalid_create_is_422(
    desk: Desk, database: Database, overrides: dict[str, Any], field: str
) -> None:
    customer_id = desk.customer_id()
    body = {**ticket_body(customer_id), **overrides}
    locs = error_locs(desk.post_ticket(body))
    assert any(field in map(str, loc) for loc in locs), locs
    assert count_for(desk, customer_id) == 0


@pytest.mark.parametrize(
    "missing", ["channel", "type", "category", "severity", "title", "description"]
)
def test_missing_field_is_422(desk: Desk, missing: str) -> None:
    customer_id = desk.customer_id()
    body = ticket_body(customer_id)
    del body[missing]
    locs = error_locs(desk.post_ticket(body))
    assert any(missing in map(str, loc) for loc in locs), locs
    assert count_for(desk, customer_id) == 0


def test_missing_customer_is_422(desk: Desk) -> None:
    assert_problem(desk.post_ticket(ticket_body(None)), 422)


def test_unknown_msisdn_is_422(desk: Desk) -> None:
    locs = error_locs(desk.post_ticket(ticket_body(None, msisdn=UNKNOWN_MSISDN)))
    assert any("msisdn" in map(str, loc) for loc in locs), locs


def test_malformed_msisdn_is_422(desk: Desk) -> None:
    assert_problem(desk.post_ticket(ticket_body(None, msisdn="12345")), 422)


def test_msisdn_of_another_customer_is_422(desk: Desk) -> None:
    first, second = desk.customer(), desk.customer()
    response = desk.post_ticket(ticket_body(str(first.id), msisdn=second.msisdn))
    assert_problem(response, 422)
    assert count_for(desk, str(first.id)) == 0


def test_non_json_body_is_422(desk: Desk) -> None:
    response = desk.client.post(
        TICKETS,
        content=b"not json",
        headers={**desk.headers("agent"), "Content-Type": "application/json"},
    )
    assert_problem(response, 422)


def test_empty_body_is_422(desk: Desk) -> None:
    assert_problem(desk.client.post(TICKETS, json={}, headers=desk.headers("agent")), 422)


# who may create ------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["agent", "agent2", "expert", "supervisor", "admin"])
def test_front_line_expert_supervisor_admin_may_create(desk: Desk, user: str) -> None:
    ticket = desk.create(user)
    assert ticket["status"] == "new"
    assert ticket["history"][0]["actor"] == user


@pytest.mark.parametrize(
    "user", ["callback", "editor", "wireless", "netops", "billing", "vas", "field"]
)
def test_others_may_not_create(desk: Desk, user: str) -> None:
    customer_id = desk.customer_id()
    assert_problem(desk.post_ticket(ticket_body(customer_id), user), 403)
    assert count_for(desk, customer_id) == 0


def test_create_without_token_is_401(desk: Desk) -> None:
    customer_id = desk.customer_id()
    assert_problem(desk.post_ticket(ticket_body(customer_id), None), 401)
    bad = desk.client.post(
        TICKETS, json=ticket_body(customer_id), headers={"Authorization": "Bearer nonsense"}
    )
    assert_problem(bad, 401)
    assert count_for(desk, customer_id) == 0


def test_create_is_audited(desk: Desk, database: Database) -> None:
    ticket = desk.create()
    assert desk.audit_actions(ticket["id"]) == ["ticket.create"]
    assert audit_count(database, ticket["id"]) == 1


# idempotency ---------------------------------------------------------------------------------


def test_same_key_and_body_return_the_same_ticket(desk: Desk, database: Database) -> None:
    customer_id = desk.customer_id()
    body = ticket_body(customer_id)
    first = desk.post_ticket(body, **{"Idempotency-Key": "call-20261123-0001"})
    again = desk.post_ticket(body, **{"Idempotency-Key": "call-20261123-0001"})

    assert first.status_code == 201, first.text
    assert again.status_code in (200, 201), again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["number"] == first.json()["number"]
    assert again.headers["ETag"] == '"1"'
    assert count_for(desk, customer_id) == 1
    assert audit_count(database, first.json()["id"]) == 1


def test_same_key_returns_the_ticket_as_it_is_now(desk: Desk) -> None:
    body = ticket_body(desk.customer_id())
    first = desk.post_ticket(body, **{"Idempotency-Key": "k-escalated"}).json()
    desk.do(first["id"], "escalate", "agent")
    again = desk.post_ticket(body, **{"Idempotency-Key": "k-escalated"})
    assert again.json()["id"] == first["id"]
    assert again.json()["status"] == "expert"


def test_replay_repeats_the_duplicate_hint(desk: Desk) -> None:
    customer_id = desk.customer_id()
    earlier = desk.create(customer_id=customer_id)
    body = ticket_body(customer_id)
    first = desk.post_ticket(body, **{"Idempotency-Key": "dup"}).json()
    again = desk.post_ticket(body, **{"Idempotency-Key": "dup"}).json()
    assert first["possible_duplicate_of"] == again["possible_duplicate_of"] == earlier["id"]


def test_same_key_with_another_body_is_422(desk: Desk) -> None:
    customer_id = desk.customer_id()
    first = desk.post_ticket(ticket_body(customer_id), **{"Idempotency-Key": "k-1"})
    assert first.status_code == 201
    other = desk.post_ticket(
        ticket_body(customer_id, title="宽带无法上网"), **{"Idempotency-Key": "k-1"}
    )
    assert_problem(other, 422)
    assert count_for(desk, customer_id) == 1


def test_same_key_from_different_users_makes_different_tickets(desk: Desk) -> None:
    customer_id = desk.customer_id()
    body = ticket_body(customer_id)
    mine = desk.post_ticket(body, "agent", **{"Idempotency-Key": "shared"})
    theirs = desk.post_ticket(body, "agent2", **{"Idempotency-Key": "shared"})
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]
    assert count_for(desk, customer_id) == 2


def test_different_keys_make_different_tickets(desk: Desk) -> None:
    customer_id = desk.customer_id()
    body = ticket_body(customer_id)
    one = desk.post_ticket(body, **{"Idempotency-Key": "a"}).json()
    two = desk.post_ticket(body, **{"Idempotency-Key": "b"}).json()
    assert one["id"] != two["id"]


def test_without_key_every_post_creates(desk: Desk) -> None:
    customer_id = desk.customer_id()
    body = ticket_body(customer_id)
    assert desk.post_ticket(body).status_code == 201
    assert desk.post_ticket(body).status_code == 201
    assert count_for(desk, customer_id) == 2


def test_overlong_idempotency_key_is_422(desk: Desk) -> None:
    response = desk.post_ticket(ticket_body(desk.customer_id()), **{"Idempotency-Key": "x" * 129})
    assert_problem(response, 422)


# possible duplicates -------------------------------------------------------------------------


def test_possible_duplicate_is_flagged_but_not_blocked(desk: Desk) -> None:
    customer_id = desk.customer_id()
    first = desk.create(customer_id=customer_id)
    assert first["possible_duplicate_of"] is None

    second = desk.create(customer_id=customer_id)
    assert second["possible_duplicate_of"] == first["id"]
    assert second["id"] != first["id"]
    assert second["status"] == "new"

    elsewhere = desk.create(customer_id=customer_id, category=OTHER_CATEGORY)
    assert elsewhere["possible_duplicate_of"] is None

    someone_else = desk.create(category=CATEGORY)
    assert someone_else["possible_duplicate_of"] is None


def test_duplicate_check_looks_at_open_tickets_only(desk: Desk) -> None:
    customer_id = desk.customer_id()
    closed = desk.walk("closed", customer_id=customer_id)
    cancelled = desk.walk("cancelled", customer_id=customer_id)
    fresh = desk.create(customer_id=customer_id)
    assert fresh["possible_duplicate_of"] is None
    assert fresh["id"] not in (closed["id"], cancelled["id"])


def test_a_ticket_at_a_station_is_a_possible_duplicate(desk: Desk) -> None:
    customer_id = desk.customer_id()
    at_station = desk.walk("in_progress", customer_id=customer_id)
    again = desk.create(customer_id=customer_id)
    assert again["possible_duplicate_of"] == at_station["id"]
