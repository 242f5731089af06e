"""Missed deadlines through the API, `closeloop sla scan --at` and the worker job: recorded once,
charged to the right station, notified in the outbox; compensation and overtime assessment.

Times are Shanghai local. Each test starts on Monday 2026-12-21 10:00, four weeks after the
demo data's "now", once a scan has recorded whatever the demo tickets missed: from then on
only the test's own tickets have deadlines. A `request` of
severity `urgent` dispatched to wireless (office hours 08:30–17:30) at 10:00 must be accepted
by 10:30, is pre-warned at 13:12 (192 of 240 business minutes), due from the station at 14:00,
and promised to the customer by 18:00 (8 h).
"""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

import closeloop.tickets.tasks  # noqa: F401  (registers the tickets.sla_scan job)
from closeloop.auth.models import AuditEntry
from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.scan import scan as run_scan
from closeloop.worker.loop import run_due_jobs

SHANGHAI = ZoneInfo("Asia/Shanghai")
CATEGORY = "signal/5g/no_5g"
CAUSE = "network/coverage/weak_area"


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant of December 2026 in Shanghai (Monday the 21st is the first day here)."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


BASE = local(21, 10)


def instant(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def set_clock(clock: FixedClock, at: datetime) -> None:
    """Move the shared app clock forward to `at`."""
    assert at >= clock.now(), "the clock only moves forward"
    clock.advance(at - clock.now())


class Desk:
    """The API as the demo users use it, with the shared clock and the CLI at hand."""

    def __init__(self, client: TestClient, as_user: Any, database: Database, clock: FixedClock):
        self.client, self.as_user, self.clock = client, as_user, clock
        with database.unit_of_work(write=False) as session:
            self.customers = list(
                session.scalars(select(Customer.id).order_by(Customer.id).limit(50))
            )
        self._next_customer = 0

    def open(self, ticket_type: str = "request", severity: str = "urgent") -> dict[str, Any]:
        customer = self.customers[self._next_customer]
        self._next_customer += 1
        response = self.client.post(
            "/api/v1/tickets",
            headers=self.as_user.headers("agent"),
            json={
                "customer_id": str(customer),
                "channel": "hotline",
                "type": ticket_type,
                "category": CATEGORY,
                "severity": severity,
                "title": "5G信号不显示",
                "description": "客户反映家中不显示5G信号",
            },
        )
        assert response.status_code == 201, response.text
        return dict(response.json())

    def act(self, user: str, ticket: dict[str, Any], action: str, **body: Any) -> dict[str, Any]:
        defaults: dict[str, dict[str, Any]] = {
            "dispatch": {"note": "请处理"},
            "return": {"reason": "非本中心业务"},
            "hold": {"reason": "等待客户提供位置"},
            "resume": {"reason": "客户已回复"},
            "reply": {"cause_code": CAUSE, "resolution": "已优化覆盖"},
            "callback": {"reached": True, "satisfaction": "satisfied", "score": 5},
            "cancel": {"reason": "客户撤销"},
            "reopen": {"reason": "问题复现"},
        }
        payload = {**defaults.get(action, {}), **body}
        response = self.client.post(
            f"/api/v1/tickets/{ticket['id']}/{action}",
            headers=self.as_user.headers(user),
            json=payload,
        )
        assert response.status_code == 200, (action, response.text)
        return dict(response.json())

    def dispatched(
        self, station: str = "wireless", ticket_type: str = "request", severity: str = "urgent"
    ) -> dict[str, Any]:
        ticket = self.open(ticket_type, severity)
        return self.act("expert", ticket, "dispatch", station=station)

    def get(self, ticket: dict[str, Any], user: str = "supervisor") -> dict[str, Any]:
        response = self.client.get(
            f"/api/v1/tickets/{ticket['id']}", headers=self.as_user.headers(user)
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    def breaches(
        self, ticket: dict[str, Any]
    ) -> list[tuple[str, str | None, datetime | None, datetime | None]]:
        return [
            (b["stage"], b["station"], instant(b["due_at"]), instant(b["detected_at"]))
            for b in self.get(ticket)["breaches"]
        ]

    def notices(self, rule: str, recipient: str, ticket: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.client.get(
            "/api/v1/notifications",
            params={"rule": rule, "recipient": recipient, "ticket_id": ticket["id"]},
            headers=self.as_user.headers("supervisor"),
        )
        assert response.status_code == 200, response.text
        return list(response.json()["items"])


@pytest.fixture
def settings(db_url: str) -> Settings:
    """The suite's settings, with sign-ins that outlast the days these tests move the clock."""
    return Settings(
        database_url=db_url,
        demo_password="closeloop-demo",
        worker_enabled=False,
        token_ttl_minutes=90 * 24 * 60,
    )


@pytest.fixture
def desk(client: TestClient, as_user: Any, database: Database, clock: FixedClock) -> Desk:
    set_clock(clock, BASE)
    run_scan(database, BASE, SHANGHAI)  # the demo tickets' deadlines are all behind us now
    return Desk(client, as_user, database, clock)


def scan(cli: Any, at: datetime) -> dict[str, Any]:
    """`closeloop sla scan --at …` and its JSON summary."""
    result = cli("sla", "scan", "--at", at.isoformat())
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert datetime.fromisoformat(summary["at"]) == at
    return dict(summary)


# --- the accept stage ---------------------------------------------------------------------


def test_an_unaccepted_dispatch_breaches_once_charged_to_the_station(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless")
    assert instant(ticket["due_at"]) == local(21, 10, 30)
    assert ticket["overdue"] is False

    assert scan(cli, local(21, 10, 29))["breaches"] == 0
    summary = scan(cli, local(21, 10, 31))
    assert summary["breaches"] == 1 and summary["by_stage"] == {"accept": 1}
    assert summary["examined"] >= 1
    assert desk.breaches(ticket) == [("accept", "wireless", local(21, 10, 30), local(21, 10, 31))]

    # looking again, now or later, records nothing new
    assert scan(cli, local(21, 10, 31))["breaches"] == 0
    assert scan(cli, local(21, 10, 45))["breaches"] == 0
    assert len(desk.breaches(ticket)) == 1
    notices = desk.notices("sla_breach", "station:wireless", ticket)
    assert len(notices) == 1 and "受理" in notices[0]["text"]
    assert len(desk.notices("sla_breach", "role:supervisor", ticket)) == 1

    set_clock(desk.clock, local(21, 10, 31))
    assert desk.get(ticket)["overdue"] is True


def test_a_scan_before_any_deadline_records_nothing(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless")
    summary = scan(cli, local(21, 10, 0))
    assert summary["breaches"] == 0 and summary["prewarnings"] == 0
    assert summary["by_stage"] == {}
    assert desk.breaches(ticket) == []


def test_a_late_accept_records_the_breach_when_it_happens(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless")
    set_clock(desk.clock, local(21, 10, 45))  # no scan in between
    accepted = desk.act("wireless", ticket, "accept")
    assert accepted["status"] == "in_progress"
    expected = [("accept", "wireless", local(21, 10, 30), local(21, 10, 45))]
    assert desk.breaches(ticket) == expected
    assert len(desk.notices("sla_breach", "station:wireless", ticket)) == 1
    # the scan that comes later finds it recorded already
    assert scan(cli, local(21, 10, 50))["breaches"] == 0
    assert desk.breaches(ticket) == expected


def test_an_accept_in_time_records_nothing(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless")
    set_clock(desk.clock, local(21, 10, 30))  # at the deadline is still in time
    accepted = desk.act("wireless", ticket, "accept")
    assert instant(accepted["due_at"]) == local(21, 14)
    assert accepted["breaches"] == []
    assert scan(cli, local(21, 12))["breaches"] == 0


def test_scan_command_input_and_output(desk: Desk, cli: Any) -> None:
    bad = cli("sla", "scan", "--at", "next tuesday")
    assert bad.exit_code != 0
    assert bad.stdout == ""
    assert "--at" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1
    # a time without an offset is read in CLOSELOOP_TIMEZONE (Asia/Shanghai)
    ticket = desk.dispatched("wireless")
    naive = cli("sla", "scan", "--at", "2026-12-21T10:31:00")
    assert naive.exit_code == 0, naive.output
    summary = json.loads(naive.stdout)
    assert datetime.fromisoformat(summary["at"]) == local(21, 10, 31)
    assert summary["by_stage"] == {"accept": 1}
    assert desk.breaches(ticket) == [("accept", "wireless", local(21, 10, 30), local(21, 10, 31))]
    # without --at it evaluates as of now
    now = cli("sla", "scan")
    assert now.exit_code == 0, now.output
    assert set(json.loads(now.stdout)) == {"at", "examined", "breaches", "by_stage", "prewarnings"}


def test_a_scan_exactly_at_a_deadline_many_tickets_share_comes_to_an_end(
    desk: Desk, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Dispatched overnight, every ticket must be accepted by 09:00 sharp; a scan at 09:00
    finds nothing missed yet and must not keep taking the same batch again."""
    monkeypatch.setattr("closeloop.tickets.scan.BATCH", 2)
    set_clock(desk.clock, local(21, 20))
    tickets = [desk.dispatched("wireless", "suggestion", "low") for _ in range(3)]
    assert {instant(t["due_at"]) for t in tickets} == {local(22, 9)}
    reports: list[Any] = []
    worker = threading.Thread(
        target=lambda: reports.append(run_scan(database, local(22, 9), SHANGHAI)), daemon=True
    )
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "the scan kept examining the same tickets"
    assert sum(reports[0].breaches.values()) == 0
    later = run_scan(database, local(22, 9, 1), SHANGHAI)
    assert later.breaches == {"accept": 3}


def test_a_dispatch_outside_office_hours_counts_from_the_opening(desk: Desk, cli: Any) -> None:
    set_clock(desk.clock, local(25, 19))  # Friday evening
    ticket = desk.dispatched("wireless")
    assert instant(ticket["due_at"]) == local(28, 9)  # Monday 08:30 + 30 minutes
    assert scan(cli, local(27, 23))["by_stage"].get("accept") is None
    assert scan(cli, local(28, 9, 1))["by_stage"].get("accept") == 1


def test_netops_counts_around_the_clock(desk: Desk, cli: Any) -> None:
    set_clock(desk.clock, local(26, 23, 50))  # Saturday night
    ticket = desk.dispatched("netops", "suggestion", "urgent")
    assert instant(ticket["due_at"]) == local(27, 0, 20)
    accepted = desk.act("netops", ticket, "accept")
    assert instant(accepted["due_at"]) == local(27, 3, 50)  # 4 h later, on Sunday
    assert scan(cli, local(27, 3, 50))["by_stage"] == {}  # due at 03:50: not late yet
    assert scan(cli, local(27, 3, 51))["by_stage"] == {"work": 1}


# --- the work stage, pre-warning and breach notices ---------------------------------------


def test_prewarning_at_80_percent_and_a_work_breach_each_notified_once(
    desk: Desk, cli: Any
) -> None:
    ticket = desk.dispatched("wireless")
    set_clock(desk.clock, local(21, 10, 10))
    accepted = desk.act("wireless", ticket, "accept")
    assert instant(accepted["due_at"]) == local(21, 14)

    assert scan(cli, local(21, 13, 11))["prewarnings"] == 0
    summary = scan(cli, local(21, 13, 12))
    assert summary["prewarnings"] == 1 and summary["breaches"] == 0
    assert scan(cli, local(21, 13, 30))["prewarnings"] == 0
    for recipient in ("station:wireless", "role:supervisor"):
        warnings = desk.notices("sla_prewarning", recipient, ticket)
        assert len(warnings) == 1, recipient
        assert ticket["number"] in warnings[0]["text"] and "80%" in warnings[0]["text"]
        assert instant(warnings[0]["created_at"]) == local(21, 13, 12)
    assert desk.notices("sla_breach", "role:supervisor", ticket) == []

    assert scan(cli, local(21, 14))["breaches"] == 0  # at the deadline is still in time
    summary = scan(cli, local(21, 14, 1))
    assert summary["by_stage"] == {"work": 1}
    assert desk.breaches(ticket) == [("work", "wireless", local(21, 14), local(21, 14, 1))]
    assert scan(cli, local(21, 14, 30))["breaches"] == 0
    for recipient in ("station:wireless", "role:supervisor"):
        breaches = desk.notices("sla_breach", recipient, ticket)
        assert len(breaches) == 1, recipient
        assert "处理" in breaches[0]["text"]
    # the warning was not repeated by the later scans
    assert len(desk.notices("sla_prewarning", "role:supervisor", ticket)) == 1


def test_a_reply_after_the_limit_records_the_work_breach_and_the_skipped_prewarning(
    desk: Desk, cli: Any
) -> None:
    ticket = desk.dispatched("wireless")
    desk.act("wireless", ticket, "accept")
    set_clock(desk.clock, local(21, 14, 30))
    replied = desk.act("wireless", ticket, "reply")
    assert replied["breaches"] == [
        {
            "stage": "work",
            "station": "wireless",
            "due_at": local(21, 14).astimezone(UTC).isoformat(),
            "detected_at": local(21, 14, 30).astimezone(UTC).isoformat(),
        }
    ]
    assert len(desk.notices("sla_prewarning", "station:wireless", ticket)) == 1
    assert scan(cli, local(21, 14, 31))["breaches"] == 0


def test_a_reply_in_time_stops_the_station_deadlines(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless", "suggestion", "urgent")
    desk.act("wireless", ticket, "accept")
    set_clock(desk.clock, local(21, 11))
    replied = desk.act("wireless", ticket, "reply")
    assert instant(replied["due_at"]) == local(22, 11)  # the callback's deadline now
    summary = scan(cli, local(21, 17))
    assert summary["breaches"] == 0 and summary["prewarnings"] == 0
    assert desk.notices("sla_prewarning", "station:wireless", ticket) == []


# --- the stopped clock --------------------------------------------------------------------


def test_pending_stops_the_clock_and_resume_gives_the_time_left(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless")
    desk.act("wireless", ticket, "accept")
    set_clock(desk.clock, local(21, 11))
    held = desk.act("wireless", ticket, "hold")  # 180 of 240 minutes left
    assert held["status"] == "pending" and held["due_at"] is None and held["overdue"] is False

    # two days waiting on the customer: the station's deadline does not run
    for at in (local(21, 14), local(21, 18), local(22, 12), local(23, 11)):
        stages = scan(cli, at)["by_stage"]
        assert "work" not in stages and "accept" not in stages, at
    assert scan(cli, local(23, 11))["prewarnings"] == 0
    stages = {stage for stage, *_ in desk.breaches(ticket)}
    assert stages <= {"resolution"}  # the customer's promise is not the station's clock
    assert desk.notices("sla_prewarning", "station:wireless", ticket) == []

    set_clock(desk.clock, local(23, 11))
    resumed = desk.act("wireless", ticket, "resume")
    assert resumed["status"] == "in_progress"
    assert instant(resumed["due_at"]) == local(23, 14)  # Wednesday 11:00 + 180 minutes

    # 48 minutes were left before the warning at the hold: it fires 132 minutes after resuming
    assert scan(cli, local(23, 13, 11))["prewarnings"] == 0
    assert scan(cli, local(23, 13, 12))["prewarnings"] == 1
    assert "work" not in scan(cli, local(23, 14))["by_stage"]
    assert scan(cli, local(23, 14, 1))["by_stage"] == {"work": 1}
    work = [b for b in desk.breaches(ticket) if b[0] == "work"]
    assert work == [("work", "wireless", local(23, 14), local(23, 14, 1))]


def test_a_hold_just_before_the_warning_still_warns_after_the_resume(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless")
    desk.act("wireless", ticket, "accept")
    set_clock(desk.clock, local(21, 13, 11) + timedelta(seconds=30))  # warning due 13:12
    desk.act("wireless", ticket, "hold")
    assert desk.notices("sla_prewarning", "station:wireless", ticket) == []
    set_clock(desk.clock, local(22, 9))
    resumed = desk.act("wireless", ticket, "resume")
    assert instant(resumed["due_at"]) == local(22, 9, 49)  # 48 min 30 s left, rounded up
    assert scan(cli, local(22, 9, 1))["prewarnings"] == 1
    assert len(desk.notices("sla_prewarning", "station:wireless", ticket)) == 1


def test_a_late_ticket_held_and_resumed_is_charged_once(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless", "suggestion", "low")  # promised within a week
    desk.act("wireless", ticket, "accept")
    # low severity: 72 business hours = 8 office days of 9 hours, due Thursday 31 December
    due = datetime(2026, 12, 31, 10, 0, tzinfo=SHANGHAI)
    assert instant(desk.get(ticket)["due_at"]) == due
    scan(cli, due + timedelta(minutes=30))
    set_clock(desk.clock, due + timedelta(hours=1))
    held = desk.act("wireless", ticket, "hold")  # no time left on the clock
    assert [b["stage"] for b in held["breaches"]].count("work") == 1
    set_clock(desk.clock, due + timedelta(hours=2))
    resumed = desk.act("wireless", ticket, "resume")
    assert instant(resumed["due_at"]) == due + timedelta(hours=2)  # still late
    assert scan(cli, due + timedelta(hours=3))["by_stage"].get("work") is None
    set_clock(desk.clock, due + timedelta(hours=4))
    replied = desk.act("wireless", ticket, "reply")
    work = [(b["stage"], b["station"], instant(b["due_at"])) for b in replied["breaches"]]
    assert [b for b in work if b[0] == "work"] == [("work", "wireless", due)]
    # the overtime assessment counts the ticket once
    report = overtime(desk, **{"from": "2026-12-31", "to": "2027-01-01"}).json()
    [wireless] = [row for row in report["stations"] if row["station"] == "wireless"]
    assert wireless["finished_late"] == 1


def test_held_over_a_weekend_the_office_hours_still_count(desk: Desk, cli: Any) -> None:
    set_clock(desk.clock, local(25, 16))  # Friday
    ticket = desk.dispatched("wireless", "suggestion", "urgent")
    desk.act("wireless", ticket, "accept")
    set_clock(desk.clock, local(25, 17))  # 60 of 240 minutes used
    desk.act("wireless", ticket, "hold")
    set_clock(desk.clock, local(26, 10))  # Saturday: the station's calendar is closed
    resumed = desk.act("wireless", ticket, "resume")
    assert instant(resumed["due_at"]) == local(28, 11, 30)  # Monday 08:30 + 180 minutes
    assert "work" not in scan(cli, local(28, 11, 30))["by_stage"]
    assert scan(cli, local(28, 11, 31))["by_stage"].get("work") == 1


# --- callback and the promise to the customer ---------------------------------------------


def test_a_callback_24_hours_after_the_reply_is_due(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless", "suggestion", "low")  # promised within a week
    desk.act("wireless", ticket, "accept")
    set_clock(desk.clock, local(21, 10, 30))
    replied = desk.act("wireless", ticket, "reply")
    assert instant(replied["due_at"]) == local(22, 10, 30)
    assert scan(cli, local(22, 10, 30))["breaches"] == 0
    summary = scan(cli, local(22, 10, 31))
    assert summary["by_stage"] == {"callback": 1}
    assert desk.breaches(ticket) == [("callback", None, local(22, 10, 30), local(22, 10, 31))]
    assert scan(cli, local(22, 18))["breaches"] == 0
    # the station is not charged for the callback and is not told
    assert desk.notices("sla_breach", "station:wireless", ticket) == []
    assert len(desk.notices("sla_breach", "role:supervisor", ticket)) == 1

    set_clock(desk.clock, local(22, 11))
    closed = desk.act("callback", ticket, "callback")
    assert closed["status"] == "closed" and closed["due_at"] is None
    assert scan(cli, local(28, 12))["breaches"] == 0  # a closed ticket has no deadlines


def compensations(desk: Desk, user: str = "supervisor", **params: str) -> Any:
    return desk.client.get(
        "/api/v1/compensations", params=params, headers=desk.as_user.headers(user)
    )


def mine(response: Any, ticket: dict[str, Any]) -> list[dict[str, Any]]:
    """The compensations of one ticket in a list response."""
    assert response.status_code == 200, response.text
    return [c for c in response.json()["items"] if c["ticket_id"] == ticket["id"]]


def decide(desk: Desk, user: str, compensation_id: str, verdict: str, note: str = "") -> Any:
    return desk.client.post(
        f"/api/v1/compensations/{compensation_id}/{verdict}",
        json={"note": note},
        headers=desk.as_user.headers(user),
    )


def test_a_missed_promise_is_a_breach_and_a_compensation_proposal(
    desk: Desk, cli: Any, database: Database
) -> None:
    ticket = desk.open("fault", "urgent")  # promised within 4 h; nobody touches it
    assert instant(ticket["resolution_due_at"]) == local(21, 14)
    assert scan(cli, local(21, 14))["breaches"] == 0
    assert scan(cli, local(21, 14, 1))["by_stage"] == {"resolution": 1}
    assert desk.breaches(ticket) == [("resolution", None, local(21, 14), local(21, 14, 1))]
    assert scan(cli, local(21, 15))["breaches"] == 0
    assert len(desk.notices("sla_breach", "role:supervisor", ticket)) == 1

    response = compensations(desk)
    assert response.status_code == 200
    [proposal] = mine(response, ticket)
    assert proposal["status"] == "proposed"
    assert proposal["amount"] == 30.0  # fault × urgent
    assert proposal["customer_id"] == ticket["customer_id"]
    assert instant(proposal["due_at"]) == local(21, 14)
    assert proposal["decided_by"] is None
    assert mine(compensations(desk, status="proposed"), ticket) == [proposal]

    # only supervisors read and decide
    assert compensations(desk, "agent").status_code == 403
    assert decide(desk, "agent", proposal["id"], "approve").status_code == 403
    assert decide(desk, "wireless", proposal["id"], "reject").status_code == 403

    set_clock(desk.clock, local(21, 16))
    approved = decide(desk, "supervisor", proposal["id"], "approve", "按服务承诺补偿")
    assert approved.status_code == 200, approved.text
    body = approved.json()
    assert body["status"] == "approved" and body["decided_by"] == "supervisor"
    assert instant(body["decided_at"]) == local(21, 16)
    assert body["note"] == "按服务承诺补偿"

    # decided once: a second decision either way is a conflict
    again = decide(desk, "supervisor", proposal["id"], "approve")
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")
    assert decide(desk, "supervisor", proposal["id"], "reject").status_code == 409
    assert mine(compensations(desk, status="proposed"), ticket) == []
    assert [c["id"] for c in mine(compensations(desk, status="approved"), ticket)] == [
        proposal["id"]
    ]
    for unknown in ("999999", "99999999999", "0", "-1", "²", "abc"):
        assert decide(desk, "supervisor", unknown, "approve").status_code == 404, unknown

    with database.unit_of_work(write=False) as session:
        audited = list(
            session.scalars(
                select(AuditEntry).where(
                    AuditEntry.entity_type == "compensation",
                    AuditEntry.entity_id == proposal["id"],
                )
            )
        )
    assert [(a.action, a.actor) for a in audited] == [("compensation.approved", "supervisor")]


def test_a_rejected_proposal_and_one_proposal_per_promise(desk: Desk, cli: Any) -> None:
    ticket = desk.dispatched("wireless", "complaint", "urgent")  # promised within 4 h
    scan(cli, local(21, 14, 1))
    # the ticket is still at the station: the missed promise is charged to it
    assert ("resolution", "wireless", local(21, 14), local(21, 14, 1)) in desk.breaches(ticket)
    scan(cli, local(21, 18))
    items = mine(compensations(desk), ticket)
    assert len(items) == 1 and items[0]["amount"] == 20.0  # complaint × urgent
    rejected = decide(desk, "supervisor", items[0]["id"], "reject", "客户已撤诉")
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert decide(desk, "supervisor", items[0]["id"], "approve").status_code == 409


def test_a_promise_without_a_compensation_rule_proposes_nothing(desk: Desk, cli: Any) -> None:
    ticket = desk.open("inquiry", "urgent")
    assert scan(cli, local(21, 14, 1))["by_stage"] == {"resolution": 1}
    assert mine(compensations(desk), ticket) == []


def test_a_promise_kept_by_resolving_at_the_front_line(desk: Desk, cli: Any) -> None:
    ticket = desk.open("fault", "urgent")
    desk.act("agent", ticket, "resolve", resolution="指导客户重启手机后恢复")
    assert scan(cli, local(21, 18))["breaches"] == 0
    assert desk.breaches(ticket) == []


# --- the worker job -----------------------------------------------------------------------


def test_the_worker_job_records_the_same_once(
    desk: Desk, database: Database, clock: FixedClock
) -> None:
    ticket = desk.dispatched("wireless")
    set_clock(clock, local(21, 10, 31))
    assert "tickets.sla_scan" in run_due_jobs(database, clock)
    assert desk.breaches(ticket) == [("accept", "wireless", local(21, 10, 30), local(21, 10, 31))]
    assert "tickets.sla_scan" not in run_due_jobs(database, clock)  # not due again yet
    clock.advance(timedelta(minutes=1))
    assert "tickets.sla_scan" in run_due_jobs(database, clock)
    assert len(desk.breaches(ticket)) == 1
    assert len(desk.notices("sla_breach", "role:supervisor", ticket)) == 1
    set_clock(clock, local(21, 13, 12))
    assert "tickets.sla_scan" in run_due_jobs(database, clock)
    assert len(desk.notices("sla_prewarning", "role:supervisor", ticket)) == 1


# --- the overtime assessment --------------------------------------------------------------


def overtime(desk: Desk, user: str = "supervisor", **params: str) -> Any:
    return desk.client.get(
        "/api/v1/reports/overtime", params=params, headers=desk.as_user.headers(user)
    )


def test_overtime_report_per_station_and_misroutes_charged_to_the_dispatcher(
    desk: Desk, cli: Any
) -> None:
    # 10:00 — three tickets to wireless, one to billing (by the supervisor), one to vas
    late = desk.dispatched("wireless")
    misrouted = desk.dispatched("wireless")
    billing = desk.act("supervisor", desk.open(), "dispatch", station="billing")
    ignored = desk.dispatched("vas")
    # 10:10 — wireless sends one back; the expert sends it on to netops
    set_clock(desk.clock, local(21, 10, 10))
    desk.act("wireless", misrouted, "return")
    desk.act("expert", misrouted, "dispatch", station="netops")
    set_clock(desk.clock, local(21, 10, 15))
    desk.act("netops", misrouted, "accept")
    desk.act("billing", billing, "accept")
    # 10:45 — wireless accepts 15 minutes late
    set_clock(desk.clock, local(21, 10, 45))
    desk.act("wireless", late, "accept")
    set_clock(desk.clock, local(21, 11))
    desk.act("netops", misrouted, "reply")
    desk.act("billing", billing, "reply")
    # 14:30 — wireless replies 30 minutes late; vas never accepted its ticket
    set_clock(desk.clock, local(21, 14, 30))
    desk.act("wireless", late, "reply")
    scan(cli, local(21, 14, 30))
    assert {b[0] for b in desk.breaches(ignored)} == {"accept", "work"}

    response = overtime(desk, **{"from": "2026-12-21", "to": "2026-12-22"})
    assert response.status_code == 200, response.text
    report = response.json()
    rows = {row["station"]: row for row in report["stations"]}
    assert set(rows) == {"wireless", "netops", "billing", "vas", "field"}
    assert rows["wireless"] == {
        "station": "wireless",
        "name": rows["wireless"]["name"],
        "dispatched": 2,
        "accepted_late": 1,
        "finished_late": 1,
        "overtime_rate": 0.5,
        "overtime_minutes": 45.0,  # 15 late to accept + 30 late to reply
        "returns_received": 1,
    }
    assert rows["vas"]["dispatched"] == 1
    assert rows["vas"]["accepted_late"] == 1 and rows["vas"]["finished_late"] == 1
    assert rows["vas"]["overtime_rate"] == 1.0
    assert rows["vas"]["overtime_minutes"] == 270.0  # 10:30→14:30 and 14:00→14:30, still open
    for code in ("netops", "billing"):
        assert rows[code]["dispatched"] == 1, code
        assert rows[code]["accepted_late"] == rows[code]["finished_late"] == 0
        assert rows[code]["overtime_rate"] == 0.0 and rows[code]["overtime_minutes"] == 0.0
        assert rows[code]["returns_received"] == 0
    assert rows["field"]["dispatched"] == 0 and rows["field"]["overtime_rate"] == 0.0

    dispatchers = {d["dispatcher"]: d for d in report["dispatchers"]}
    assert dispatchers["expert"]["dispatched"] == 4
    assert dispatchers["expert"]["returns"] == 1
    assert dispatchers["expert"]["misroute_rate"] == 0.25
    assert dispatchers["supervisor"]["dispatched"] == 1
    assert dispatchers["supervisor"]["returns"] == 0

    # another day saw nothing; only those who may read reports see it
    quiet = overtime(desk, **{"from": "2026-12-22", "to": "2026-12-23"}).json()
    assert all(row["dispatched"] == 0 for row in quiet["stations"])
    assert all(row["overtime_minutes"] == 0.0 for row in quiet["stations"])
    assert quiet["dispatchers"] == []
    assert overtime(desk, "agent").status_code == 403
    assert overtime(desk, "wireless").status_code == 403
    bad = overtime(desk, **{"from": "2026-12-22", "to": "2026-12-21"})
    assert bad.status_code == 422
