"""Small factories for ticket tests: open a ticket as the front line, walk it to a status."""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.models import Ticket
from tests.support.demo import OTHER_STATION, STATION, UNRELATED_STATION
from tests.support.factories import CATEGORY, CAUSE
from tests.support.problems import PROBLEM_JSON, assert_problem, error_locs
from tests.support.signin import bearer, issued_token

__all__ = [
    "BODIES",
    "CATEGORY",
    "CAUSE",
    "OTHER_CATEGORY",
    "OTHER_STATION",
    "PATHS",
    "PATHS_VIA_OTHER",
    "PROBLEM_JSON",
    "STATION",
    "TICKETS",
    "UNRELATED_STATION",
    "Desk",
    "assert_problem",
    "audit_count",
    "error_locs",
    "snapshot",
    "ticket_body",
]

TICKETS = "/api/v1/tickets"
OTHER_CATEGORY = "signal/call/dropped"
# Who is who in the demo organisation (CONTRACT §3, tests/support/demo.py): STATION is the
# station tickets are walked to, OTHER_STATION one that saw the ticket before (re-dispatch away
# from it), UNRELATED_STATION one the ticket never reached.

# A valid body for every action (CONTRACT §4 table).
BODIES: dict[str, dict[str, Any]] = {
    "resolve": {"resolution": "已指导客户重启手机，问题解决", "cause_code": CAUSE},
    "escalate": {"note": "一线无法处理，转专家"},
    "dispatch": {"station": STATION, "note": "请无线中心处理"},
    "accept": {},
    "return": {"reason": "派错工位"},
    "hold": {"reason": "等待客户方便时上门"},
    "resume": {"reason": "客户已回复"},
    "reply": {"cause_code": CAUSE, "resolution": "已调整天线下倾角，信号恢复"},
    "callback": {"reached": True, "satisfaction": "satisfied", "score": 5},
    "cancel": {"reason": "客户撤诉"},
    "reopen": {"reason": "客户反映问题复现"},
}

# Steps (action, who, body overrides) from "new" to each status, the ticket ending at STATION.
PATHS: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "new": [],
    "expert": [("escalate", "agent", {})],
    "dispatched": [("escalate", "agent", {}), ("dispatch", "expert", {})],
    "in_progress": [
        ("escalate", "agent", {}),
        ("dispatch", "expert", {}),
        ("accept", STATION, {}),
    ],
    "pending": [
        ("escalate", "agent", {}),
        ("dispatch", "expert", {}),
        ("accept", STATION, {}),
        ("hold", STATION, {}),
    ],
    "replied": [
        ("escalate", "agent", {}),
        ("dispatch", "expert", {}),
        ("accept", STATION, {}),
        ("reply", STATION, {}),
    ],
    "closed": [
        ("escalate", "agent", {}),
        ("dispatch", "expert", {}),
        ("accept", STATION, {}),
        ("reply", STATION, {}),
        ("callback", "callback", {}),
    ],
    "cancelled": [("cancel", "agent", {})],
}

# The same statuses reached through OTHER_STATION first, so that its staff can see the ticket
# although it now is (or was last) at STATION; "expert" comes back from OTHER_STATION.
_VIA_OTHER: list[tuple[str, str, dict[str, Any]]] = [
    ("escalate", "agent", {}),
    ("dispatch", "expert", {"station": OTHER_STATION}),
    ("accept", OTHER_STATION, {}),
    ("dispatch", OTHER_STATION, {"station": STATION}),
]
PATHS_VIA_OTHER: dict[str, list[tuple[str, str, dict[str, Any]]]] = {
    "new": [],
    "expert": [
        ("escalate", "agent", {}),
        ("dispatch", "expert", {"station": OTHER_STATION}),
        ("return", OTHER_STATION, {}),
    ],
    "dispatched": _VIA_OTHER,
    "in_progress": [*_VIA_OTHER, ("accept", STATION, {})],
    "pending": [*_VIA_OTHER, ("accept", STATION, {}), ("hold", STATION, {})],
    "replied": [*_VIA_OTHER, ("accept", STATION, {}), ("reply", STATION, {})],
    "closed": [
        *_VIA_OTHER,
        ("accept", STATION, {}),
        ("reply", STATION, {}),
        ("callback", "callback", {}),
    ],
    "cancelled": [("cancel", "agent", {})],
}


def ticket_body(customer_id: str | None = None, **overrides: Any) -> dict[str, Any]:
    """A valid create body; overrides of None drop the field."""
    body: dict[str, Any] = {
        "customer_id": customer_id,
        "channel": "hotline",
        "type": "fault",
        "category": CATEGORY,
        "severity": "high",
        "title": "家里手机信号很差",
        "description": "客户反映在家中室内几乎没有信号，通话经常中断。",
    }
    body.update(overrides)
    return {k: v for k, v in body.items() if v is not None}


class Desk:
    """Drives the ticket API for one test: customers without tickets, create, act, read."""

    def __init__(self, client: TestClient, database: Database, clock: FixedClock) -> None:
        self.client = client
        self.database = database
        self.clock = clock
        self._tokens: dict[str, str] = {}
        self._customers: Iterator[Customer] | None = None

    def token(self, username: str) -> str:
        """A bearer token for a demo user, issued straight into the database (signing in
        hashes the password, far too slow for hundreds of personas) and valid for a year of
        app time, so that tests may move the clock by days."""
        if username not in self._tokens:
            self._tokens[username] = issued_token(
                self.database, username, self.clock, timedelta(days=365)
            )
        return self._tokens[username]

    def advance(self, delta: timedelta) -> None:
        """Move app time."""
        self.clock.advance(delta)

    # customers ---------------------------------------------------------------------------
    def customer(self) -> Customer:
        """A seeded customer that has no ticket yet (a new one on every call)."""
        if self._customers is None:
            with self.database.unit_of_work() as session:
                taken = select(Ticket.customer_id)
                rows = list(
                    session.scalars(
                        select(Customer)
                        .where(Customer.id.not_in(taken))
                        .order_by(Customer.id)
                        .limit(300)
                    )
                )
                for row in rows:
                    session.expunge(row)
            self._customers = iter(rows)
        return next(self._customers)

    def customer_id(self) -> str:
        return str(self.customer().id)

    # requests ----------------------------------------------------------------------------
    def headers(self, user: str | None, **extra: str) -> dict[str, str]:
        """Auth headers for a demo user (None: no token) plus extra headers."""
        base = bearer(self.token(user)) if user else {}
        return {**base, **extra}

    def post_ticket(
        self, body: dict[str, Any], user: str | None = "agent", **headers: str
    ) -> httpx.Response:
        response: httpx.Response = self.client.post(
            TICKETS, json=body, headers=self.headers(user, **headers)
        )
        return response

    def create(
        self, user: str = "agent", customer_id: str | None = None, **overrides: Any
    ) -> dict[str, Any]:
        """A new ticket for a fresh customer (or the one given), as `user`."""
        body = ticket_body(customer_id or self.customer_id(), **overrides)
        response = self.post_ticket(body, user)
        assert response.status_code == 201, response.text
        return _json(response)

    def act(
        self,
        ticket_id: str,
        action: str,
        user: str | None,
        body: dict[str, Any] | None = None,
        *,
        if_match: str | None = None,
        **overrides: Any,
    ) -> httpx.Response:
        """POST an action; the body defaults to BODIES[action] with overrides applied."""
        payload = dict(BODIES[action] if body is None else body)
        payload.update(overrides)
        extra = {"If-Match": if_match} if if_match is not None else {}
        response: httpx.Response = self.client.post(
            f"{TICKETS}/{ticket_id}/{action}", json=payload, headers=self.headers(user, **extra)
        )
        return response

    def do(
        self, ticket_id: str, action: str, user: str, body: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """An action that must succeed; the ticket after it."""
        response = self.act(ticket_id, action, user, body, **kw)
        assert response.status_code == 200, f"{action} as {user}: {response.text}"
        return _json(response)

    def get(self, ticket_id: str, user: str | None = "admin") -> dict[str, Any]:
        response = self.client.get(f"{TICKETS}/{ticket_id}", headers=self.headers(user))
        assert response.status_code == 200, response.text
        return _json(response)

    def list(self, user: str = "admin", **params: Any) -> dict[str, Any]:
        response = self.client.get(TICKETS, params=params, headers=self.headers(user))
        assert response.status_code == 200, response.text
        return _json(response)

    def list_ids(self, user: str = "admin", **params: Any) -> builtins.list[str]:
        """Ids of every ticket the list shows (all pages)."""
        ids: builtins.list[str] = []
        params = {"limit": 500, **params}
        while True:
            page = self.list(user, **params)
            ids.extend(t["id"] for t in page["items"])
            if not page["next_cursor"]:
                return ids
            params["cursor"] = page["next_cursor"]

    # walking -----------------------------------------------------------------------------
    def walk(
        self,
        status: str,
        *,
        via_other: bool = False,
        user: str = "agent",
        customer_id: str | None = None,
        **overrides: Any,
    ) -> dict[str, Any]:
        """A new ticket walked to `status` through the API (at STATION when at a station)."""
        ticket = self.create(user, customer_id, **overrides)
        steps = (PATHS_VIA_OTHER if via_other else PATHS)[status]
        for action, actor, body_overrides in steps:
            ticket = self.do(ticket["id"], action, actor, **body_overrides)
        assert ticket["status"] == status
        return ticket

    # audit and outbox --------------------------------------------------------------------
    def audit_actions(self, ticket_id: str) -> builtins.list[str]:
        """The audit log's actions for a ticket, oldest first."""
        response = self.client.get(
            "/api/v1/audit",
            params={"entity_type": "ticket", "entity_id": ticket_id, "limit": 500},
            headers=self.headers("admin"),
        )
        assert response.status_code == 200, response.text
        return [e["action"] for e in reversed(response.json()["items"])]

    def progress_notices(self, msisdn: str) -> builtins.list[dict[str, Any]]:
        """The customer's ticket_progress outbox entries, oldest first (read as supervisor)."""
        response = self.client.get(
            "/api/v1/notifications",
            params={"rule": "ticket_progress", "msisdn": msisdn, "limit": 500},
            headers=self.headers("supervisor"),
        )
        assert response.status_code == 200, response.text
        return list(reversed(response.json()["items"]))


def snapshot(ticket: dict[str, Any]) -> tuple[Any, ...]:
    """What must not change when an action is refused."""
    return (
        ticket["status"],
        ticket["version"],
        len(ticket["history"]),
        ticket["station"],
        ticket["assignee"],
        ticket["updated_at"],
        ticket["reopen_count"],
    )


def audit_count(database: Database, ticket_id: str) -> int:
    """How many audit entries a ticket has."""
    with database.unit_of_work() as session:
        query = select(AuditEntry.id).where(
            AuditEntry.entity_type == "ticket", AuditEntry.entity_id == ticket_id
        )
        return len(list(session.scalars(query)))


def _json(response: httpx.Response) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    return body
