"""Ticket actions (CONTRACT §4 table): who, from which status, with which body, and effects."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.support import NOW
from tests.tickets.helpers import (
    CAUSE,
    OTHER_STATION,
    STATION,
    TICKETS,
    UNRELATED_STATION,
    Desk,
    assert_problem,
    audit_count,
    error_locs,
    snapshot,
)

ACTIONS = (
    "resolve",
    "escalate",
    "dispatch",
    "accept",
    "return",
    "hold",
    "resume",
    "reply",
    "callback",
    "cancel",
    "reopen",
)
STATUSES = (
    "new",
    "expert",
    "dispatched",
    "in_progress",
    "pending",
    "replied",
    "closed",
    "cancelled",
)
# CONTRACT §4: the actions the table allows from each status, whoever takes them.
ALLOWED = {
    "new": {"resolve", "escalate", "dispatch", "cancel"},
    "expert": {"resolve", "dispatch", "cancel"},
    "dispatched": {"accept", "return"},
    "in_progress": {"dispatch", "return", "hold", "reply"},
    "pending": {"resume"},
    "replied": {"callback"},
    "closed": {"reopen"},
    "cancelled": set(),
}

# Personas of the "who" column; station personas name their relation to the ticket.
PERSONAS = {
    "agent": "agent",
    "expert": "expert",
    "callback": "callback",
    "supervisor": "supervisor",
    "admin": "admin",
    "own_station": STATION,  # the station the ticket is at
    "other_station": OTHER_STATION,  # saw the ticket before it went to STATION
    "unrelated_station": UNRELATED_STATION,  # never saw it
    "editor": "editor",
    "anonymous": None,
}
# (action, from status, body overrides, personas allowed, status after) — CONTRACT §4 "who".
WHO: list[tuple[str, str, dict[str, Any], set[str], str]] = [
    ("resolve", "new", {}, {"agent", "admin"}, "closed"),
    ("resolve", "expert", {}, {"expert", "admin"}, "closed"),
    ("escalate", "new", {}, {"agent", "admin"}, "expert"),
    ("dispatch", "new", {}, {"expert", "supervisor", "admin"}, "dispatched"),
    ("dispatch", "expert", {}, {"expert", "supervisor", "admin"}, "dispatched"),
    ("dispatch", "in_progress", {"station": "billing"}, {"own_station", "admin"}, "dispatched"),
    ("accept", "dispatched", {}, {"own_station", "admin"}, "in_progress"),
    ("return", "dispatched", {}, {"own_station", "admin"}, "expert"),
    ("return", "in_progress", {}, {"own_station", "admin"}, "expert"),
    ("hold", "in_progress", {}, {"own_station", "admin"}, "pending"),
    ("resume", "pending", {}, {"own_station", "admin"}, "in_progress"),
    ("reply", "in_progress", {}, {"own_station", "admin"}, "replied"),
    ("callback", "replied", {}, {"agent", "callback", "admin"}, "closed"),
    ("cancel", "new", {}, {"agent", "expert", "admin"}, "cancelled"),
    ("cancel", "expert", {}, {"agent", "expert", "admin"}, "cancelled"),
    ("reopen", "closed", {}, {"agent", "supervisor", "admin"}, "expert"),
]


@pytest.fixture
def desk(client: TestClient, database: Database, clock: FixedClock) -> Desk:
    return Desk(client, database, clock)


def instant(value: str) -> datetime:
    return datetime.fromisoformat(value)


def history_rows(ticket: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (e["actor"], e["action"], e["from_status"], e["to_status"], e["station"])
        for e in ticket["history"]
    ]


def sees(persona: str, status: str) -> bool:
    """Whether a station persona can see a ticket walked (via OTHER_STATION) to `status`."""
    if persona == "unrelated_station" or status == "new":
        return False
    if status == "expert":  # came back from OTHER_STATION, never reached STATION
        return persona == "other_station"
    return True


def expected_code(persona: str, status: str, allowed: set[str]) -> int:
    if persona == "anonymous":
        return 401
    if persona == "editor":
        return 403
    if persona.endswith("_station") and not sees(persona, status):
        return 404
    return 200 if persona in allowed else 403


def assert_unchanged(desk: Desk, database: Database, before: dict[str, Any]) -> None:
    after = desk.get(before["id"])
    assert snapshot(after) == snapshot(before)
    assert (
        desk.client.get(f"{TICKETS}/{before['id']}", headers=desk.headers("admin")).headers["ETag"]
        == f'"{before["version"]}"'
    )


# the happy path ------------------------------------------------------------------------------


def test_full_happy_path(desk: Desk, database: Database) -> None:
    ticket = desk.create("agent")
    ticket_id = ticket["id"]
    assert (ticket["status"], ticket["version"]) == ("new", 1)

    steps: list[tuple[str, str, dict[str, Any], str]] = [
        ("escalate", "agent", {"note": "需要专家判断"}, "expert"),
        ("dispatch", "expert", {"station": STATION, "note": "疑似弱覆盖"}, "dispatched"),
        ("accept", STATION, {}, "in_progress"),
        ("reply", STATION, {"cause_code": CAUSE, "resolution": "已优化天线"}, "replied"),
        (
            "callback",
            "callback",
            {"reached": True, "satisfaction": "satisfied", "score": 5, "comment": "好"},
            "closed",
        ),
    ]
    for version, (action, user, body, status) in enumerate(steps, start=2):
        response = desk.act(ticket_id, action, user, body)
        assert response.status_code == 200, response.text
        assert response.headers["ETag"] == f'"{version}"'
        ticket = response.json()
        assert ticket["status"] == status
        assert ticket["version"] == version
        assert ticket["history"][-1]["action"] == action
        assert ticket["history"][-1]["actor"] == user
        assert instant(ticket["updated_at"]) == NOW

    assert history_rows(ticket) == [
        ("agent", "create", None, "new", None),
        ("agent", "escalate", "new", "expert", None),
        ("expert", "dispatch", "expert", "dispatched", STATION),
        (STATION, "accept", "dispatched", "in_progress", STATION),
        (STATION, "reply", "in_progress", "replied", STATION),
        ("callback", "callback", "replied", "closed", STATION),
    ]
    assert [e["note"] for e in ticket["history"]][1:3] == ["需要专家判断", "疑似弱覆盖"]
    assert ticket["cause_code"] == CAUSE
    assert ticket["resolution"] == "已优化天线"
    assert ticket["satisfaction"] == "satisfied"
    assert ticket["score"] == 5
    assert ticket["station"] == STATION
    assert ticket["assignee"] == STATION
    assert ticket["reopen_count"] == 0
    assert ticket["due_at"] is None
    assert ticket["overdue"] is False
    assert ticket["breaches"] == []

    read = desk.client.get(f"{TICKETS}/{ticket_id}", headers=desk.headers("agent"))
    assert read.headers["ETag"] == '"6"'
    assert read.json()["history"] == ticket["history"]
    assert desk.audit_actions(ticket_id) == [
        "ticket.create",
        "ticket.escalate",
        "ticket.dispatch",
        "ticket.accept",
        "ticket.reply",
        "ticket.callback",
    ]
    assert audit_count(database, ticket_id) == 6


def test_stage_deadlines_along_the_way(desk: Desk) -> None:
    ticket = desk.walk("dispatched")
    assert ticket["station"] == STATION
    assert ticket["assignee"] is None
    assert ticket["due_at"] is not None  # accepting the dispatch
    accepted = desk.do(ticket["id"], "accept", STATION)
    assert accepted["assignee"] == STATION
    assert accepted["due_at"] is not None  # the station's time limit
    assert instant(accepted["due_at"]) >= instant(ticket["due_at"])
    replied = desk.do(ticket["id"], "reply", STATION)
    assert instant(replied["due_at"]) == NOW + timedelta(hours=24)  # the callback


def test_a_missed_deadline_is_recorded_once_in_breaches(desk: Desk) -> None:
    ticket = desk.walk("dispatched")
    due = instant(ticket["due_at"])
    desk.advance(due - NOW + timedelta(minutes=1))
    listed = desk.get(ticket["id"])
    assert listed["overdue"] is True
    accepted = desk.do(ticket["id"], "accept", STATION)
    assert accepted["breaches"] == [
        {
            "stage": "accept",
            "station": STATION,
            "due_at": ticket["due_at"],
            "detected_at": (due + timedelta(minutes=1)).isoformat(),
        }
    ]
    desk.do(ticket["id"], "hold", STATION)
    desk.do(ticket["id"], "resume", STATION)
    assert desk.get(ticket["id"])["breaches"] == accepted["breaches"]


def test_no_token_is_401_before_the_body_is_looked_at(desk: Desk) -> None:
    ticket = desk.walk("in_progress")
    assert_problem(desk.act(ticket["id"], "reply", None, {}), 401)
    assert_problem(desk.act(ticket["id"], "reply", None), 401)


# who may take which action -------------------------------------------------------------------


@pytest.mark.parametrize("persona", list(PERSONAS))
@pytest.mark.parametrize(
    ("action", "status", "overrides", "allowed", "target"),
    WHO,
    ids=[f"{a}-from-{s}" for a, s, *_ in WHO],
)
def test_who_may_take_each_action(
    desk: Desk,
    database: Database,
    persona: str,
    action: str,
    status: str,
    overrides: dict[str, Any],
    allowed: set[str],
    target: str,
) -> None:
    ticket = desk.walk(status, via_other=True)
    audited = audit_count(database, ticket["id"])
    code = expected_code(persona, status, allowed)

    response = desk.act(ticket["id"], action, PERSONAS[persona], **overrides)

    assert response.status_code == code, response.text
    if code == 200:
        after = response.json()
        assert after["status"] == target
        assert after["version"] == ticket["version"] + 1
        assert response.headers["ETag"] == f'"{after["version"]}"'
        assert len(after["history"]) == len(ticket["history"]) + 1
        assert after["history"][-1]["action"] == action
        assert audit_count(database, ticket["id"]) == audited + 1
    else:
        assert_problem(response, code)
        assert_unchanged(desk, database, ticket)
        assert audit_count(database, ticket["id"]) == audited


@pytest.mark.parametrize("action", ACTIONS)
def test_unknown_ticket_is_404(desk: Desk, action: str) -> None:
    for ticket_id in ("999999", "abc"):
        assert_problem(desk.act(ticket_id, action, "admin"), 404)
    assert_problem(desk.client.get(f"{TICKETS}/999999", headers=desk.headers("admin")), 404)


def test_unknown_action_is_not_found(desk: Desk) -> None:
    ticket = desk.create()
    response = desk.client.post(
        f"{TICKETS}/{ticket['id']}/approve", json={}, headers=desk.headers("admin")
    )
    assert response.status_code in (404, 405)
    assert_unchanged(desk, desk.database, ticket)


# refused transitions -------------------------------------------------------------------------


@pytest.mark.parametrize("status", STATUSES)
def test_refused_transitions_are_409_and_change_nothing(
    desk: Desk, database: Database, status: str
) -> None:
    ticket = desk.walk(status)
    audited = audit_count(database, ticket["id"])
    refused = [a for a in ACTIONS if a not in ALLOWED[status]]
    assert refused
    for action in refused:
        response = desk.act(ticket["id"], action, "admin")
        body = assert_problem(response, 409)
        assert body["from_status"] == status, action
        assert body["action"] == action
        assert sorted(body["allowed"]) == sorted(ALLOWED[status]), action
        assert_unchanged(desk, database, ticket)
    assert audit_count(database, ticket["id"]) == audited


@pytest.mark.parametrize(
    ("status", "action", "user"),
    [
        ("replied", "accept", STATION),  # station roles take accept, but not from here ...
        ("dispatched", "reply", STATION),  # ... nor reply before accepting
        ("in_progress", "accept", STATION),
        ("pending", "reply", STATION),
        ("replied", "reply", STATION),
        ("closed", "resolve", "agent"),
        ("closed", "callback", "callback"),
        ("cancelled", "reopen", "agent"),
        ("replied", "escalate", "agent"),
        ("dispatched", "dispatch", "expert"),
        ("pending", "hold", STATION),
        ("in_progress", "resume", STATION),
        ("closed", "cancel", "expert"),
        ("in_progress", "cancel", "agent"),
    ],
)
def test_refusal_for_the_acting_role_is_409(
    desk: Desk, database: Database, status: str, action: str, user: str
) -> None:
    ticket = desk.walk(status)
    body = assert_problem(desk.act(ticket["id"], action, user), 409)
    assert (body["from_status"], body["action"]) == (status, action)
    assert sorted(body["allowed"]) == sorted(ALLOWED[status])
    assert_unchanged(desk, database, ticket)


def test_redispatch_to_the_same_station_is_409(desk: Desk, database: Database) -> None:
    ticket = desk.walk("in_progress")
    body = assert_problem(desk.act(ticket["id"], "dispatch", STATION, station=STATION), 409)
    assert (body["from_status"], body["action"]) == ("in_progress", "dispatch")
    assert_unchanged(desk, database, ticket)


# If-Match --------------------------------------------------------------------------------------


def test_stale_if_match_is_412_and_changes_nothing(desk: Desk, database: Database) -> None:
    ticket = desk.walk("expert")  # version 2
    audited = audit_count(database, ticket["id"])
    for stale in ('"1"', '"3"', "1", 'W/"1"'):
        response = desk.act(ticket["id"], "dispatch", "expert", if_match=stale)
        assert_problem(response, 412)
        assert_unchanged(desk, database, ticket)
    assert audit_count(database, ticket["id"]) == audited


def test_current_if_match_is_accepted(desk: Desk) -> None:
    ticket = desk.walk("expert")
    response = desk.act(ticket["id"], "dispatch", "expert", if_match='"2"')
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"3"'
    following = desk.act(ticket["id"], "accept", STATION, if_match=response.headers["ETag"])
    assert following.status_code == 200, following.text
    assert following.json()["version"] == 4


def test_if_match_star_is_accepted(desk: Desk) -> None:
    ticket = desk.create()
    response = desk.act(ticket["id"], "escalate", "agent", if_match="*")
    assert response.status_code == 200, response.text
    assert response.json()["version"] == 2


def test_if_match_is_checked_before_the_transition(desk: Desk, database: Database) -> None:
    ticket = desk.walk("closed")
    # Stale and refused from this status: the stale version is reported first.
    assert_problem(desk.act(ticket["id"], "escalate", "agent", if_match='"1"'), 412)
    assert_unchanged(desk, database, ticket)


def test_malformed_if_match_is_422(desk: Desk, database: Database) -> None:
    ticket = desk.create()
    assert_problem(desk.act(ticket["id"], "escalate", "agent", if_match="version one"), 422)
    assert_unchanged(desk, database, ticket)


def test_lost_update_is_prevented(desk: Desk, database: Database) -> None:
    ticket = desk.walk("in_progress")
    etag = f'"{ticket["version"]}"'
    first = desk.act(ticket["id"], "hold", STATION, if_match=etag)
    assert first.status_code == 200
    second = desk.act(ticket["id"], "reply", STATION, if_match=etag)
    assert_problem(second, 412)
    assert desk.get(ticket["id"])["status"] == "pending"


# bodies ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "action", "user", "body", "field"),
    [
        ("dispatched", "return", STATION, {}, "reason"),
        ("dispatched", "return", STATION, {"reason": ""}, "reason"),
        ("dispatched", "return", STATION, {"reason": "   "}, "reason"),
        ("in_progress", "hold", STATION, {}, "reason"),
        ("pending", "resume", STATION, {}, "reason"),
        ("new", "cancel", "agent", {}, "reason"),
        ("expert", "cancel", "expert", {"note": "x"}, "reason"),
        ("closed", "reopen", "agent", {}, "reason"),
        ("in_progress", "reply", STATION, {"resolution": "已处理"}, "cause_code"),
        ("in_progress", "reply", STATION, {"cause_code": CAUSE}, "resolution"),
        (
            "in_progress",
            "reply",
            STATION,
            {"cause_code": "network", "resolution": "x"},
            "cause_code",
        ),
        (
            "in_progress",
            "reply",
            STATION,
            {"cause_code": "network/coverage", "resolution": "x"},
            "cause_code",
        ),
        (
            "in_progress",
            "reply",
            STATION,
            {"cause_code": "network/coverage/nowhere", "resolution": "x"},
            "cause_code",
        ),
        ("in_progress", "reply", STATION, {"cause_code": "", "resolution": "x"}, "cause_code"),
        ("expert", "dispatch", "expert", {"station": "nowhere"}, "station"),
        ("expert", "dispatch", "expert", {}, "station"),
        ("in_progress", "dispatch", STATION, {"station": "nowhere"}, "station"),
        ("replied", "callback", "callback", {"reached": True}, "satisfaction"),
        ("replied", "callback", "callback", {}, "reached"),
        (
            "replied",
            "callback",
            "callback",
            {"reached": True, "satisfaction": "satisfied", "score": 0},
            "score",
        ),
        (
            "replied",
            "callback",
            "callback",
            {"reached": True, "satisfaction": "satisfied", "score": 6},
            "score",
        ),
        (
            "replied",
            "callback",
            "callback",
            {"reached": True, "satisfaction": "happy", "score": 5},
            "satisfaction",
        ),
        ("new", "resolve", "agent", {}, "resolution"),
        ("new", "resolve", "agent", {"resolution": "好了", "cause_code": "network"}, "cause_code"),
        ("dispatched", "accept", STATION, {"note": "extra"}, "note"),
        ("new", "escalate", "agent", {"note": "x", "station": STATION}, "station"),
    ],
)
def test_invalid_body_is_422_and_changes_nothing(
    desk: Desk,
    database: Database,
    status: str,
    action: str,
    user: str,
    body: dict[str, Any],
    field: str,
) -> None:
    ticket = desk.walk(status)
    audited = audit_count(database, ticket["id"])
    locs = error_locs(desk.act(ticket["id"], action, user, body))
    assert any(field in map(str, loc) for loc in locs) or locs == [["body"]], locs
    assert_unchanged(desk, database, ticket)
    assert audit_count(database, ticket["id"]) == audited


def test_accept_and_escalate_need_no_body(desk: Desk) -> None:
    ticket = desk.create()
    escalated = desk.client.post(
        f"{TICKETS}/{ticket['id']}/escalate", headers=desk.headers("agent")
    )
    assert escalated.status_code == 200, escalated.text
    desk.do(ticket["id"], "dispatch", "expert")
    accepted = desk.client.post(f"{TICKETS}/{ticket['id']}/accept", headers=desk.headers(STATION))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["status"] == "in_progress"


def test_actions_with_required_fields_refuse_a_missing_body(desk: Desk) -> None:
    ticket = desk.walk("in_progress")
    response = desk.client.post(f"{TICKETS}/{ticket['id']}/reply", headers=desk.headers(STATION))
    assert_problem(response, 422)


# callback outcomes ------------------------------------------------------------------------------


@pytest.mark.parametrize("satisfaction", ["satisfied", "basically_satisfied"])
def test_satisfied_callback_closes(desk: Desk, satisfaction: str) -> None:
    ticket = desk.walk("replied")
    closed = desk.do(
        ticket["id"], "callback", "agent", reached=True, satisfaction=satisfaction, score=4
    )
    assert closed["status"] == "closed"
    assert closed["satisfaction"] == satisfaction
    assert closed["reopen_count"] == 0
    assert closed["closed_at"] is not None
    assert closed["due_at"] is None


def test_callback_score_is_optional(desk: Desk) -> None:
    ticket = desk.walk("replied")
    closed = desk.do(
        ticket["id"], "callback", "callback", {"reached": True, "satisfaction": "satisfied"}
    )
    assert closed["status"] == "closed"


def test_unsatisfied_callback_reopens_to_the_expert_seat(desk: Desk) -> None:
    ticket = desk.walk("replied")
    reopened = desk.do(
        ticket["id"],
        "callback",
        "callback",
        reached=True,
        satisfaction="unsatisfied",
        score=1,
        comment="信号还是差",
    )
    assert reopened["status"] == "expert"
    assert reopened["reopen_count"] == 1
    assert reopened["satisfaction"] == "unsatisfied"
    assert reopened["station"] is None
    assert reopened["history"][-1]["from_status"] == "replied"
    assert reopened["history"][-1]["to_status"] == "expert"
    # It goes round again and can be closed later.
    desk.do(ticket["id"], "dispatch", "expert")
    desk.do(ticket["id"], "accept", STATION)
    desk.do(ticket["id"], "reply", STATION)
    again = desk.do(ticket["id"], "callback", "callback", satisfaction="basically_satisfied")
    assert again["status"] == "closed"
    assert again["reopen_count"] == 1


def test_unreached_callback_leaves_the_ticket_replied(desk: Desk) -> None:
    ticket = desk.walk("replied")
    after = desk.do(ticket["id"], "callback", "callback", {"reached": False})
    assert after["status"] == "replied"
    assert after["version"] == ticket["version"] + 1
    assert after["satisfaction"] is None
    assert after["reopen_count"] == 0
    assert after["history"][-1]["action"] == "callback"
    assert (after["history"][-1]["from_status"], after["history"][-1]["to_status"]) == (
        "replied",
        "replied",
    )
    # The customer is reached on the next try.
    assert desk.do(ticket["id"], "callback", "agent")["status"] == "closed"


# re-dispatch, return, hold ---------------------------------------------------------------------


def test_redispatch_moves_the_ticket_to_the_other_station(desk: Desk) -> None:
    ticket = desk.walk("in_progress")  # at wireless
    moved = desk.do(ticket["id"], "dispatch", STATION, station=OTHER_STATION, note="属于装维")
    assert moved["status"] == "dispatched"
    assert moved["station"] == OTHER_STATION
    assert moved["assignee"] is None
    assert moved["history"][-1]["station"] == OTHER_STATION
    assert moved["history"][-1]["actor"] == STATION

    # The first station still sees the ticket but may no longer act on it.
    assert desk.get(ticket["id"], STATION)["station"] == OTHER_STATION
    assert_problem(desk.act(ticket["id"], "accept", STATION), 403)
    assert_problem(desk.act(ticket["id"], "return", STATION), 403)

    accepted = desk.do(ticket["id"], "accept", OTHER_STATION)
    assert accepted["status"] == "in_progress"
    assert accepted["assignee"] == OTHER_STATION
    assert_problem(desk.act(ticket["id"], "reply", STATION), 403)
    assert desk.get(ticket["id"], STATION)["status"] == "in_progress"


@pytest.mark.parametrize("status", ["dispatched", "in_progress"])
def test_return_sends_the_ticket_back_to_the_expert_seat(desk: Desk, status: str) -> None:
    ticket = desk.walk(status)
    returned = desk.do(ticket["id"], "return", STATION, reason="不属于无线问题")
    assert returned["status"] == "expert"
    assert returned["return_count"] == 1
    assert returned["station"] is None
    assert returned["assignee"] is None
    entry = returned["history"][-1]
    assert (entry["action"], entry["from_status"], entry["to_status"]) == (
        "return",
        status,
        "expert",
    )
    assert entry["station"] == STATION
    assert entry["note"] == "不属于无线问题"
    # The expert dispatches it elsewhere; the returning station keeps seeing it.
    again = desk.do(ticket["id"], "dispatch", "expert", station=OTHER_STATION)
    assert again["station"] == OTHER_STATION
    desk.get(ticket["id"], STATION)
    assert desk.do(ticket["id"], "return", OTHER_STATION)["return_count"] == 2


def test_hold_and_resume(desk: Desk) -> None:
    ticket = desk.walk("in_progress")
    held = desk.do(ticket["id"], "hold", STATION, reason="客户出差，下周再约")
    assert held["status"] == "pending"
    assert held["due_at"] is None  # the station's clock stops
    assert held["history"][-1]["note"] == "客户出差，下周再约"
    resumed = desk.do(ticket["id"], "resume", STATION)
    assert resumed["status"] == "in_progress"
    assert resumed["due_at"] is not None
    assert resumed["assignee"] == STATION
    assert desk.do(ticket["id"], "reply", STATION)["status"] == "replied"


def test_hold_stops_the_station_clock(desk: Desk, clock: FixedClock) -> None:
    ticket = desk.walk("in_progress", type="fault", severity="urgent")
    limit = instant(ticket["due_at"])
    desk.do(ticket["id"], "hold", STATION)
    desk.advance(timedelta(days=3))
    resumed = desk.do(ticket["id"], "resume", STATION)
    assert instant(resumed["due_at"]) > limit


# cancel, resolve, reopen -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "user"),
    [("new", "agent"), ("new", "expert"), ("expert", "agent"), ("expert", "expert")],
)
def test_cancel_before_dispatch(desk: Desk, status: str, user: str) -> None:
    ticket = desk.walk(status)
    cancelled = desk.do(ticket["id"], "cancel", user, reason="客户撤销")
    assert cancelled["status"] == "cancelled"
    assert cancelled["due_at"] is None
    assert cancelled["history"][-1]["note"] == "客户撤销"
    assert ALLOWED["cancelled"] == set(cancelled["allowed_actions"])


def test_first_contact_resolution_by_the_front_line(desk: Desk) -> None:
    ticket = desk.create()
    closed = desk.do(ticket["id"], "resolve", "agent", {"resolution": "指导客户开启VoLTE"})
    assert closed["status"] == "closed"
    assert closed["resolution"] == "指导客户开启VoLTE"
    assert closed["cause_code"] is None
    assert history_rows(closed)[-1] == ("agent", "resolve", "new", "closed", None)


def test_resolution_at_the_expert_seat(desk: Desk) -> None:
    ticket = desk.walk("expert")
    closed = desk.do(ticket["id"], "resolve", "expert", resolution="远程处理", cause_code=CAUSE)
    assert closed["status"] == "closed"
    assert closed["cause_code"] == CAUSE
    assert history_rows(closed)[-1] == ("expert", "resolve", "expert", "closed", None)
    # The front line resolves only new tickets, the expert only expert ones.
    other = desk.walk("expert")
    assert_problem(desk.act(other["id"], "resolve", "agent"), 403)
    fresh = desk.create()
    assert_problem(desk.act(fresh["id"], "resolve", "expert"), 403)


@pytest.mark.parametrize("user", ["agent", "supervisor"])
def test_reopen_within_seven_days(desk: Desk, clock: FixedClock, user: str) -> None:
    ticket = desk.walk("closed")
    desk.advance(timedelta(days=6))
    assert "reopen" in desk.get(ticket["id"], user)["allowed_actions"]
    reopened = desk.do(ticket["id"], "reopen", user, reason="问题复现")
    assert reopened["status"] == "expert"
    assert reopened["reopen_count"] == 1
    assert reopened["satisfaction"] is None
    assert reopened["station"] is None
    assert reopened["closed_at"] is None
    assert history_rows(reopened)[-1] == (user, "reopen", "closed", "expert", None)
    # Round again, close, reopen again.
    desk.do(ticket["id"], "dispatch", "expert")
    desk.do(ticket["id"], "accept", STATION)
    desk.do(ticket["id"], "reply", STATION)
    desk.do(ticket["id"], "callback", "callback")
    assert desk.do(ticket["id"], "reopen", user)["reopen_count"] == 2


def test_reopen_after_seven_days_is_409(desk: Desk, clock: FixedClock, database: Database) -> None:
    ticket = desk.walk("closed")
    assert "reopen" in desk.get(ticket["id"], "agent")["allowed_actions"]
    desk.advance(timedelta(days=7, minutes=1))
    assert desk.get(ticket["id"], "agent")["allowed_actions"] == []
    assert_problem(desk.act(ticket["id"], "reopen", "supervisor"), 409)
    desk.advance(timedelta(days=1))
    body = assert_problem(desk.act(ticket["id"], "reopen", "agent"), 409)
    assert (body["from_status"], body["action"]) == ("closed", "reopen")
    assert body["allowed"] == []
    assert_unchanged(desk, database, ticket)


def test_expert_may_not_reopen(desk: Desk, database: Database) -> None:
    ticket = desk.walk("closed")
    assert_problem(desk.act(ticket["id"], "reopen", "expert"), 403)
    assert_unchanged(desk, database, ticket)


def test_first_contact_resolved_ticket_can_be_reopened(desk: Desk) -> None:
    ticket = desk.create()
    desk.do(ticket["id"], "resolve", "agent")
    assert desk.do(ticket["id"], "reopen", "agent")["status"] == "expert"


# audit --------------------------------------------------------------------------------------------


def test_every_successful_action_is_audited_and_refusals_are_not(
    desk: Desk, database: Database
) -> None:
    ticket = desk.create()
    ticket_id = ticket["id"]
    expected = ["ticket.create"]
    script: list[tuple[str, str | None, dict[str, Any], int]] = [
        ("accept", "agent", {}, 403),
        ("escalate", "agent", {}, 200),
        ("escalate", "agent", {}, 409),
        ("dispatch", "expert", {"station": "nowhere"}, 422),
        ("dispatch", "expert", {}, 200),
        ("accept", UNRELATED_STATION, {}, 404),
        ("accept", STATION, {}, 200),
        ("hold", STATION, {}, 200),
        ("resume", STATION, {}, 200),
        ("dispatch", STATION, {"station": OTHER_STATION}, 200),
        ("return", OTHER_STATION, {}, 200),
        ("dispatch", "supervisor", {}, 200),
        ("accept", STATION, {}, 200),
        ("reply", STATION, {}, 200),
        ("callback", "callback", {"reached": False}, 200),
        ("callback", "agent", {"reached": True, "satisfaction": "unsatisfied"}, 200),
        ("resolve", "expert", {}, 200),
        ("reopen", "expert", {}, 403),
        ("reopen", "supervisor", {}, 200),
        ("cancel", "expert", {}, 200),
        ("reopen", None, {}, 401),
        ("reopen", "agent", {}, 409),
    ]
    for action, user, overrides, code in script:
        response = desk.act(ticket_id, action, user, **overrides)
        assert response.status_code == code, (action, user, response.text)
        if code == 200:
            expected.append(f"ticket.{action}")
        assert desk.audit_actions(ticket_id) == expected, (action, user)
    final = desk.get(ticket_id)
    assert final["status"] == "cancelled"
    assert [e["action"] for e in final["history"]] == [a.split(".")[1] for a in expected]
    assert final["version"] == len(expected)
    assert final["reopen_count"] == 2
    assert final["return_count"] == 1


# progress notices --------------------------------------------------------------------------


def test_progress_notices_for_dispatch_accept_reply_close(desk: Desk) -> None:
    customer = desk.customer()
    ticket = desk.create(customer_id=str(customer.id))
    number = ticket["number"]
    desk.do(ticket["id"], "escalate", "agent")
    assert desk.progress_notices(customer.msisdn) == []

    counts = []
    for action, user in [
        ("dispatch", "expert"),
        ("accept", STATION),
        ("reply", STATION),
        ("callback", "callback"),
    ]:
        desk.do(ticket["id"], action, user)
        counts.append(len(desk.progress_notices(customer.msisdn)))
    assert counts == [1, 2, 3, 4]

    notices = desk.progress_notices(customer.msisdn)
    for notice in notices:
        assert number in notice["text"]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in notice["text"]), notice["text"]
        assert notice["rule"] == "ticket_progress"
        assert notice["msisdn"] == customer.msisdn
        assert notice["ticket_id"] == ticket["id"]
    dispatch, accept, reply, close = (n["text"] for n in notices)
    assert "处理完毕" in reply
    assert "预计" in dispatch
    assert "无线中心" in dispatch
    assert "受理" in accept
    assert "办结" in close


def test_progress_notice_when_resolved_at_first_contact(desk: Desk) -> None:
    customer = desk.customer()
    ticket = desk.create(customer_id=str(customer.id))
    desk.do(ticket["id"], "resolve", "agent")
    [notice] = desk.progress_notices(customer.msisdn)
    assert ticket["number"] in notice["text"]


def test_no_progress_notice_for_other_actions(desk: Desk) -> None:
    customer = desk.customer()
    ticket = desk.walk("in_progress", customer_id=str(customer.id))
    before = len(desk.progress_notices(customer.msisdn))
    desk.do(ticket["id"], "hold", STATION)
    desk.do(ticket["id"], "resume", STATION)
    desk.do(ticket["id"], "return", STATION)
    assert len(desk.progress_notices(customer.msisdn)) == before
    cancelled = desk.walk("expert", customer_id=str(customer.id))
    desk.do(cancelled["id"], "cancel", "expert")
    assert len(desk.progress_notices(customer.msisdn)) == before


def test_no_progress_notices_after_opt_out(desk: Desk) -> None:
    customer = desk.customer()
    ticket = desk.walk("expert", customer_id=str(customer.id))
    desk.do(ticket["id"], "dispatch", "expert")
    assert len(desk.progress_notices(customer.msisdn)) == 1

    response = desk.client.put(
        f"/api/v1/customers/{customer.id}/opt-outs/ticket_progress", headers=desk.headers("agent")
    )
    assert response.status_code == 204, response.text

    desk.do(ticket["id"], "accept", STATION)
    desk.do(ticket["id"], "reply", STATION)
    desk.do(ticket["id"], "callback", "callback")
    other = desk.create(customer_id=str(customer.id))
    desk.do(other["id"], "resolve", "agent")
    assert len(desk.progress_notices(customer.msisdn)) == 1

    # Other customers are still told.
    someone = desk.customer()
    theirs = desk.create(customer_id=str(someone.id))
    desk.do(theirs["id"], "resolve", "agent")
    assert len(desk.progress_notices(someone.msisdn)) == 1
