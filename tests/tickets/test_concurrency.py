"""Several threads on one database (SQLite or PostgreSQL): concurrent SLA scans record each
missed deadline once, two station users racing to accept get one winner, and tickets created
at the same moment get distinct consecutive numbers."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from closeloop.auth.users import actor_for, get_by_username
from closeloop.care.models import Notification
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import Conflict
from closeloop.tickets import schemas
from closeloop.tickets.actions import perform
from closeloop.tickets.compensation import Compensation
from closeloop.tickets.models import Breach, Ticket, TicketEvent
from closeloop.tickets.scan import ScanReport, scan, scan_batch
from closeloop.tickets.service import create_ticket

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Four weeks after the demo data's "now": the demo tickets' deadlines are all behind us.
BASE = datetime(2026, 12, 21, 10, 0, tzinfo=SHANGHAI)  # a Monday
CATEGORY = "signal/5g/no_5g"
STATIONS = ("wireless", "netops", "billing", "vas", "field")

T = TypeVar("T")


def run_together(n: int, work: Callable[[int], T]) -> list[T | BaseException]:
    """Run `work(0..n-1)` in n threads released at once; each result or exception, in order."""
    barrier = threading.Barrier(n)
    results: list[T | BaseException] = [RuntimeError("did not run")] * n

    def runner(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except BaseException as exc:  # reported to the test, not swallowed
            results[i] = exc

    threads = [threading.Thread(target=runner, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    return results


class Office:
    """Service-layer access for the demo users, on the test's database and clock."""

    def __init__(self, database: Database, clock: FixedClock) -> None:
        self.database, self.clock = database, clock
        clock.advance(BASE - clock.now())
        scan(database, BASE, SHANGHAI)  # whatever the demo tickets missed is recorded now
        with database.unit_of_work(write=False) as session:
            self.customers = list(
                session.scalars(select(Customer.id).order_by(Customer.id).limit(200))
            )
        self._actors: dict[str, Actor] = {}

    def actor(self, username: str) -> Actor:
        if username not in self._actors:
            with self.database.unit_of_work(write=False) as session:
                self._actors[username] = actor_for(session, get_by_username(session, username))
        return self._actors[username]

    def open(self, n: int, ticket_type: str = "fault", severity: str = "urgent") -> Ticket:
        data = schemas.TicketIn(
            customer_id=str(self.customers[n % len(self.customers)]),
            channel="hotline",
            type=ticket_type,
            category=CATEGORY,
            severity=severity,
            title=f"并发测试工单 {n}",
            description="客户反映不显示5G信号",
        )
        with self.database.unit_of_work() as session:
            ticket, _duplicate = create_ticket(
                session, self.actor("agent"), data, tz=SHANGHAI, clock=self.clock
            )
        return ticket

    def act(self, username: str, ticket_id: int, action: str, body: Any) -> Ticket:
        with self.database.unit_of_work() as session:
            return perform(
                session,
                self.actor(username),
                str(ticket_id),
                action,
                body,
                if_match=None,
                tz=SHANGHAI,
                clock=self.clock,
            )

    def dispatch(self, ticket_id: int, station: str) -> Ticket:
        return self.act("expert", ticket_id, "dispatch", schemas.DispatchBody(station=station))


@pytest.fixture
def office(database: Database, clock: FixedClock) -> Office:
    return Office(database, clock)


def breaches_of(database: Database, ticket_ids: list[int]) -> list[tuple[int, str]]:
    with database.unit_of_work(write=False) as session:
        rows = session.execute(
            select(Breach.ticket_id, Breach.stage).where(Breach.ticket_id.in_(ticket_ids))
        ).all()
    return [(ticket_id, stage) for ticket_id, stage in rows]


def count_where(database: Database, column: Any, *conditions: Any) -> int:
    with database.unit_of_work(write=False) as session:
        return int(session.scalar(select(func.count(column)).where(*conditions)) or 0)


def overdue_tickets(office: Office, count: int) -> tuple[list[int], list[int]]:
    """`count` tickets: most dispatched around the stations, every fifth left new."""
    dispatched, new = [], []
    for n in range(count):
        ticket = office.open(n)
        if n % 5 == 4:
            new.append(ticket.id)
        else:
            office.dispatch(ticket.id, STATIONS[n % len(STATIONS)])
            dispatched.append(ticket.id)
    return dispatched, new


def check_recorded_once(
    database: Database, dispatched: list[int], new: list[int], reports: list[ScanReport]
) -> None:
    ids = dispatched + new
    rows = breaches_of(database, ids)
    assert len(rows) == len(set(rows)), [r for r, c in Counter(rows).items() if c > 1]
    expected = {(t, s) for t in dispatched for s in ("accept", "work", "resolution")}
    expected |= {(t, "resolution") for t in new}
    assert set(rows) == expected
    # the scanners' own counts add up to exactly what was recorded
    assert sum(sum(r.breaches.values()) for r in reports) == len(expected)
    assert sum(r.prewarnings for r in reports) == len(dispatched)
    in_ids = Notification.ticket_id.in_(ids)
    # a station notice and a supervisor notice per breach at a station; supervisors only else
    assert count_where(database, Notification.id, in_ids, Notification.rule == "sla_breach") == (
        3 * 2 * len(dispatched) + len(new)
    )
    assert count_where(
        database, Notification.id, in_ids, Notification.rule == "sla_prewarning"
    ) == 2 * len(dispatched)
    assert count_where(database, Compensation.id, Compensation.ticket_id.in_(ids)) == len(ids)
    with database.unit_of_work(write=False) as session:
        prewarned = set(session.scalars(select(Ticket.prewarned).where(Ticket.id.in_(dispatched))))
    assert prewarned == {True}


def test_concurrent_scans_record_each_breach_once(office: Office, database: Database) -> None:
    dispatched, new = overdue_tickets(office, 60)
    at = BASE + timedelta(days=3)  # past every accept, work and promise deadline
    results = run_together(4, lambda _i: scan(database, at, SHANGHAI))
    reports = [r for r in results if isinstance(r, ScanReport)]
    assert len(reports) == 4, [r for r in results if not isinstance(r, ScanReport)]
    check_recorded_once(database, dispatched, new, reports)
    # later scans find nothing new
    again = scan(database, at + timedelta(hours=1), SHANGHAI)
    assert sum(again.breaches.values()) == 0 and again.prewarnings == 0


def test_concurrent_scans_in_small_batches_record_each_breach_once(
    office: Office, database: Database
) -> None:
    """Many short transactions interleave (on PostgreSQL the batches are claimed with SKIP
    LOCKED, so scanners take different tickets)."""
    dispatched, new = overdue_tickets(office, 40)
    at = BASE + timedelta(days=3)

    def scanner(_i: int) -> ScanReport:
        report = ScanReport(at=at)
        for _ in range(1000):
            with database.unit_of_work() as session:
                if scan_batch(session, at, SHANGHAI, report, limit=3) == 0:
                    return report
        raise AssertionError("the scan never ran out of tickets")

    results = run_together(4, scanner)
    reports = [r for r in results if isinstance(r, ScanReport)]
    assert len(reports) == 4, [r for r in results if not isinstance(r, ScanReport)]
    check_recorded_once(database, dispatched, new, reports)


def test_scans_racing_with_late_accepts_record_each_breach_once(
    office: Office, database: Database, clock: FixedClock
) -> None:
    """Stations accepting late while scanners run: the accept breach is recorded by whoever
    comes first, never twice."""
    tickets = []
    for n in range(12):
        ticket = office.open(n, "suggestion", "low")  # promised within a week
        office.dispatch(ticket.id, "wireless")
        tickets.append(ticket.id)
    clock.advance(timedelta(hours=1))  # accept was due at 10:30
    at = clock.now()

    def work(i: int) -> object:
        if i < 3:
            return scan(database, at, SHANGHAI)
        accepted = 0
        for ticket_id in tickets:
            try:
                office.act("wireless", ticket_id, "accept", schemas.EmptyBody())
                accepted += 1
            except Conflict:
                pass
        return accepted

    results = run_together(5, work)
    assert not [r for r in results if isinstance(r, BaseException)], results
    accepted = [r for r in results[3:] if isinstance(r, int)]
    assert sum(accepted) == len(tickets)  # each accepted once, by one of the two desks
    rows = breaches_of(database, tickets)
    assert sorted(rows) == sorted((t, "accept") for t in tickets)
    in_ids = Notification.ticket_id.in_(tickets)
    assert count_where(
        database, Notification.id, in_ids, Notification.rule == "sla_breach"
    ) == 2 * len(tickets)


def test_two_station_users_racing_to_accept_one_wins(office: Office, database: Database) -> None:
    for n in range(4):
        ticket = office.open(n)
        office.dispatch(ticket.id, "wireless")

        def accept(_i: int, ticket_id: int = ticket.id) -> str:
            with database.unit_of_work() as session:
                accepted = perform(
                    session,
                    office.actor("wireless"),
                    str(ticket_id),
                    "accept",
                    schemas.EmptyBody(),
                    if_match=None,
                    tz=SHANGHAI,
                    clock=office.clock,
                )
                time.sleep(0.2)  # hold the transaction open: the other one must wait
                return accepted.status

        results = run_together(2, accept)
        wins = [r for r in results if r == "in_progress"]
        conflicts = [r for r in results if isinstance(r, Conflict)]
        assert len(wins) == 1 and len(conflicts) == 1, results
        assert conflicts[0].status == 409
        assert conflicts[0].extra["from_status"] == "in_progress"
        with database.unit_of_work(write=False) as session:
            stored = session.get(Ticket, ticket.id)
            actions = list(
                session.scalars(
                    select(TicketEvent.action)
                    .where(TicketEvent.ticket_id == ticket.id)
                    .order_by(TicketEvent.id)
                )
            )
        assert stored is not None
        assert stored.status == "in_progress" and stored.version == 3
        assert actions == ["create", "dispatch", "accept"]


def test_racing_with_the_same_expected_version_one_wins(office: Office, database: Database) -> None:
    """Two desks with If-Match of the same version: the second sees a changed ticket."""
    ticket = office.open(0)

    def act(i: int) -> str:
        action, body = (
            ("escalate", schemas.NoteBody(note="请专家处理"))
            if i == 0
            else ("cancel", schemas.ReasonBody(reason="客户撤销"))
        )
        with database.unit_of_work() as session:
            done = perform(
                session,
                office.actor("agent"),
                str(ticket.id),
                action,
                body,
                if_match=1,
                tz=SHANGHAI,
                clock=office.clock,
            )
            time.sleep(0.2)
            return done.status

    results = run_together(2, act)
    done = [r for r in results if isinstance(r, str)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(done) == 1 and len(refused) == 1, results
    assert getattr(refused[0], "status", None) == 412
    with database.unit_of_work(write=False) as session:
        stored = session.get(Ticket, ticket.id)
    assert stored is not None and stored.version == 2 and stored.status == done[0]


def test_tickets_created_at_once_get_distinct_consecutive_numbers(
    office: Office, database: Database
) -> None:
    def create(i: int) -> str:
        data = schemas.TicketIn(
            customer_id=str(office.customers[100 + i]),
            channel="app",
            type="inquiry",
            category=CATEGORY,
            severity="normal",
            title=f"同时受理 {i}",
            description="同一时刻受理的工单",
        )
        with database.unit_of_work() as session:
            ticket, _ = create_ticket(
                session, office.actor("agent"), data, tz=SHANGHAI, clock=office.clock
            )
            number = ticket.number
            time.sleep(0.05)  # keep the transactions overlapping
        return number

    results = run_together(8, create)
    numbers = [r for r in results if isinstance(r, str)]
    assert len(numbers) == 8, results
    assert len(set(numbers)) == 8
    assert {n[:10] for n in numbers} == {"TT20261221"}
    sequence = sorted(int(n[10:]) for n in numbers)
    assert sequence == list(range(sequence[0], sequence[0] + 8))
    with database.unit_of_work(write=False) as session:
        stored = set(session.scalars(select(Ticket.number).where(Ticket.number.in_(numbers))))
    assert stored == set(numbers)
