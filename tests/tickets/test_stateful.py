"""Random action sequences by random users on one ticket at a time, through the API, against
a model written from the workflow table of CONTRACT §4; SLA scans and the clock move between
the actions. Invariants: the status is one the table can reach, the history is exactly the
actions that succeeded, the version counts them, a closed ticket has a resolution or a
satisfied callback, a refused action changes nothing, and no deadline is recorded twice."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck
from hypothesis import settings as run_settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.models import Breach
from closeloop.tickets.scan import scan

SHANGHAI = ZoneInfo("Asia/Shanghai")
CATEGORY = "signal/5g/no_5g"
CAUSE = "network/coverage/weak_area"

# persona → role
PERSONAS = {
    "agent": "agent",
    "expert": "expert",
    "supervisor": "supervisor",
    "callback": "callback",
    "admin": "admin",
    "wireless": "station",
    "netops": "station",
    "billing": "station",
}
STATION_USERS = ("wireless", "netops", "billing")
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
# The table of CONTRACT §4: (action, from) → (to, roles); callback's target is its outcome.
TABLE: dict[tuple[str, str], tuple[str | None, frozenset[str]]] = {
    ("resolve", "new"): ("closed", frozenset({"agent"})),
    ("resolve", "expert"): ("closed", frozenset({"expert"})),
    ("escalate", "new"): ("expert", frozenset({"agent"})),
    ("dispatch", "new"): ("dispatched", frozenset({"expert", "supervisor"})),
    ("dispatch", "expert"): ("dispatched", frozenset({"expert", "supervisor"})),
    ("dispatch", "in_progress"): ("dispatched", frozenset({"station"})),
    ("accept", "dispatched"): ("in_progress", frozenset({"station"})),
    ("return", "dispatched"): ("expert", frozenset({"station"})),
    ("return", "in_progress"): ("expert", frozenset({"station"})),
    ("hold", "in_progress"): ("pending", frozenset({"station"})),
    ("resume", "pending"): ("in_progress", frozenset({"station"})),
    ("reply", "in_progress"): ("replied", frozenset({"station"})),
    ("callback", "replied"): (None, frozenset({"agent", "callback"})),
    ("cancel", "new"): ("cancelled", frozenset({"agent", "expert"})),
    ("cancel", "expert"): ("cancelled", frozenset({"agent", "expert"})),
    ("reopen", "closed"): ("expert", frozenset({"agent", "supervisor"})),
}
CALLBACK_OUTCOMES: dict[str, tuple[dict[str, Any], str]] = {
    "unreached": ({"reached": False, "comment": "无人接听"}, "replied"),
    "satisfied": ({"reached": True, "satisfaction": "satisfied", "score": 5}, "closed"),
    "basically": ({"reached": True, "satisfaction": "basically_satisfied", "score": 4}, "closed"),
    "unsatisfied": ({"reached": True, "satisfaction": "unsatisfied", "score": 1}, "expert"),
}
REOPEN_WITHIN = timedelta(days=7)


def reachable() -> set[str]:
    """Every status the table can lead to from `new`."""
    found, todo = {"new"}, ["new"]
    while todo:
        status = todo.pop()
        for (action, source), (target, _roles) in TABLE.items():
            if source != status:
                continue
            targets = (
                {t for _b, t in CALLBACK_OUTCOMES.values()} if action == "callback" else {target}
            )
            for t in targets - found:
                assert t is not None
                found.add(t)
                todo.append(t)
    return found


REACHABLE = reachable()


def body_for(action: str, station: str, outcome: str) -> dict[str, Any]:
    return {
        "resolve": {"resolution": "已远程处理", "cause_code": CAUSE},
        "escalate": {"note": "请专家协助"},
        "dispatch": {"station": station, "note": "请处理"},
        "accept": {},
        "return": {"reason": "非本中心业务"},
        "hold": {"reason": "等待客户"},
        "resume": {"reason": "客户已回复"},
        "reply": {"cause_code": CAUSE, "resolution": "已优化覆盖"},
        "callback": CALLBACK_OUTCOMES[outcome][0],
        "cancel": {"reason": "客户撤销"},
        "reopen": {"reason": "问题复现"},
    }[action]


@dataclass
class Model:
    """What the ticket must look like after the actions that succeeded."""

    status: str = "new"
    station: str | None = None
    visited: set[str] = field(default_factory=set)
    successes: list[str] = field(default_factory=list)
    closed_at: datetime | None = None

    def predict(
        self, persona: str, action: str, station: str, outcome: str, now: datetime
    ) -> str | int:
        """The status the action leads to, or the refusal: 404 (not visible) or 0 (refused)."""
        role = PERSONAS[persona]
        if role == "station" and persona not in self.visited:
            return 404
        row = TABLE.get((action, self.status))
        if row is None:
            return 0
        target, roles = row
        if role != "admin":
            if role not in roles:
                return 0
            if role == "station" and persona != self.station:
                return 0
        if action == "dispatch" and self.status == "in_progress" and station == self.station:
            return 0  # re-dispatch goes to another station
        if action == "reopen" and (self.closed_at is None or now - self.closed_at > REOPEN_WITHIN):
            return 0
        if action == "callback":
            return CALLBACK_OUTCOMES[outcome][1]
        assert target is not None
        return target

    def apply(self, action: str, target: str, station: str, now: datetime) -> None:
        self.successes.append(action)
        if action == "dispatch":
            self.station = station
            self.visited.add(station)
        if target == "expert":  # returned, reopened, or called back unsatisfied
            self.station = None
        self.closed_at = now if target == "closed" else None
        self.status = target


def comparable(ticket: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in ticket.items() if k != "overdue"}


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The suite's settings, with sign-ins that outlast the months the clock runs on here."""
    return Settings(
        database_url=db_url,
        demo_password="closeloop-demo",
        worker_enabled=False,
        token_ttl_minutes=20 * 365 * 24 * 60,
    )


# The state machine is a class inside the test so its rules close over the fixtures; its
# methods are counted as the test's complexity, and moving them out would scatter the checks.
def test_random_actions_by_random_users_keep_the_invariants(  # noqa: C901
    client: TestClient, as_user: Any, database: Database, clock: FixedClock
) -> None:
    with database.unit_of_work(write=False) as session:
        customers = list(session.scalars(select(Customer.id).order_by(Customer.id).limit(300)))
    used = itertools.cycle(customers)

    class TicketMachine(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.model = Model()
            self.ticket: dict[str, Any] = {}

        @initialize(
            ticket_type=st.sampled_from(["fault", "complaint", "inquiry", "request"]),
            severity=st.sampled_from(["urgent", "high", "normal", "low"]),
        )
        def open_ticket(self, ticket_type: str, severity: str) -> None:
            response = client.post(
                "/api/v1/tickets",
                headers=as_user.headers("agent"),
                json={
                    "customer_id": str(next(used)),
                    "channel": "hotline",
                    "type": ticket_type,
                    "category": CATEGORY,
                    "severity": severity,
                    "title": "5G信号不显示",
                    "description": "随机动作序列",
                },
            )
            assert response.status_code == 201, response.text
            self.ticket = response.json()

        def read(self) -> dict[str, Any]:
            response = client.get(
                f"/api/v1/tickets/{self.ticket['id']}", headers=as_user.headers("supervisor")
            )
            assert response.status_code == 200, response.text
            return dict(response.json())

        def attempt(self, persona: str, action: str, station: str, outcome: str) -> None:
            now = clock.now()
            expected = self.model.predict(persona, action, station, outcome, now)
            before = self.read()
            response = client.post(
                f"/api/v1/tickets/{self.ticket['id']}/{action}",
                headers=as_user.headers(persona),
                json=body_for(action, station, outcome),
            )
            if isinstance(expected, str):
                assert response.status_code == 200, (persona, action, response.text)
                assert response.json()["status"] == expected
                self.model.apply(action, expected, station, now)
                return
            assert response.status_code in (403, 404, 409), (persona, action, response.text)
            assert response.headers["content-type"].startswith("application/problem+json")
            if expected == 404:
                assert response.status_code == 404
            if response.status_code == 409 and (action, before["status"]) not in TABLE:
                problem = response.json()
                assert problem["from_status"] == before["status"]
                assert action not in problem["allowed"]
            assert comparable(self.read()) == comparable(before)  # nothing changed

        @rule(
            persona=st.sampled_from(sorted(PERSONAS)),
            action=st.sampled_from(ACTIONS),
            station=st.sampled_from(STATION_USERS),
            outcome=st.sampled_from(sorted(CALLBACK_OUTCOMES)),
        )
        def anyone_tries_anything(
            self, persona: str, action: str, station: str, outcome: str
        ) -> None:
            self.attempt(persona, action, station, outcome)

        @rule(data=st.data())
        def someone_does_what_the_table_allows(self, data: st.DataObject) -> None:
            now = clock.now()
            moves = [
                (persona, action, station, outcome)
                for persona in sorted(PERSONAS)
                for action in ACTIONS
                for station in STATION_USERS
                for outcome in sorted(CALLBACK_OUTCOMES)
                if isinstance(self.model.predict(persona, action, station, outcome, now), str)
            ]
            if moves:
                self.attempt(*data.draw(st.sampled_from(moves)))

        @rule(minutes=st.sampled_from([1, 25, 45, 200, 24 * 60, 3 * 24 * 60, 8 * 24 * 60]))
        def time_passes_and_the_scan_runs(self, minutes: int) -> None:
            clock.advance(timedelta(minutes=minutes))
            scan(database, clock.now(), SHANGHAI)

        @invariant()
        def consistent_with_the_table(self) -> None:
            if not self.ticket:
                return
            ticket = self.read()
            assert ticket["status"] == self.model.status
            assert ticket["status"] in REACHABLE
            history = ticket["history"]
            assert [h["action"] for h in history] == ["create", *self.model.successes]
            assert ticket["version"] == 1 + len(self.model.successes)
            for entry in history[1:]:
                target, _roles = TABLE[(entry["action"], entry["from_status"])]
                if entry["action"] == "callback":
                    assert entry["to_status"] in {t for _b, t in CALLBACK_OUTCOMES.values()}
                else:
                    assert entry["to_status"] == target
            assert ticket["station"] == self.model.station
            if ticket["status"] == "closed":
                satisfied = ticket["satisfaction"] in ("satisfied", "basically_satisfied")
                assert ticket["resolution"] or satisfied
            if ticket["status"] in ("closed", "cancelled"):
                assert ticket["due_at"] is None and ticket["overdue"] is False
            breaches = [(b["stage"], b["due_at"]) for b in ticket["breaches"]]
            assert len(breaches) == len(set(breaches))
            with database.unit_of_work(write=False) as session:
                recorded = session.scalar(
                    select(func.count()).where(Breach.ticket_id == int(ticket["id"]))
                )
            assert len(breaches) == recorded  # the ticket's breach count kept up with the rows
            for b in ticket["breaches"]:
                assert b["station"] is None or b["station"] in self.model.visited
                # a deadline is missed once it has passed, not at its instant
                assert datetime.fromisoformat(b["detected_at"]) > datetime.fromisoformat(
                    b["due_at"]
                )

    run_state_machine_as_test(
        TicketMachine,
        settings=run_settings(
            max_examples=15,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
