"""Care services the API handlers call: reading the outbox as a given reader may see it, and
finding and declaring outages (checks that hold for every way in, not just HTTP)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.care import outages, outbox
from closeloop.care.models import Notification
from closeloop.config import Settings
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import Forbidden, InvalidInput, NotFound
from tests.care.conftest import CareSetup

A = "19900000001"
AGENT = Actor(username="agent", roles=("agent",), permissions=frozenset({"notifications.read"}))
SUPERVISOR = Actor(
    username="supervisor",
    roles=("supervisor",),
    permissions=frozenset({"notifications.read", "customers.read_personal", "care.outages"}),
)


def _queue(database: Database, care: CareSetup, clock: FixedClock, n: int) -> None:
    with database.unit_of_work() as session:
        for i in range(n):
            session.add(Notification(
                customer_id=care.ids[A], msisdn=A, recipient="customer", channel="sms",
                rule="data_threshold", period="2026-11", threshold=80 + i, text=f"t{i}",
                status="pending", created_at=clock.now(), send_after=clock.now(), attempts=0,
            ))  # fmt: skip


def _reads(database: Database) -> list[str]:
    with database.unit_of_work(write=False) as session:
        query = select(AuditEntry.summary).where(AuditEntry.action == "notification.read_personal")
        return list(session.scalars(query))


def test_a_reader_without_personal_data_rights_sees_masked_numbers_and_leaves_no_audit(
    database: Database, care: CareSetup, clock: FixedClock
) -> None:
    _queue(database, care, clock, 3)
    with database.unit_of_work() as session:
        page = outbox.read_notifications(
            session, AGENT, outbox.NotificationFilter(msisdn=A), limit=2, clock=clock
        )
        assert [n.msisdn for n in page.items] == ["199****0001"] * 2
        assert [n.threshold for n in page.items] == [82, 81]  # newest first
        assert page.next_cursor is not None
    assert _reads(database) == []


def test_an_unmasked_page_is_shown_whole_and_audited_once(
    database: Database, care: CareSetup, clock: FixedClock
) -> None:
    _queue(database, care, clock, 3)
    with database.unit_of_work() as session:
        page = outbox.read_notifications(
            session, SUPERVISOR, outbox.NotificationFilter(msisdn=A), clock=clock
        )
        assert [n.msisdn for n in page.items] == [A] * 3 and page.next_cursor is None
    assert _reads(database) == ["3 entries shown unmasked"]


def test_reading_the_outbox_needs_its_permission(database: Database, clock: FixedClock) -> None:
    with database.unit_of_work() as session, pytest.raises(Forbidden):
        outbox.read_notifications(session, Actor(username="editor"), clock=clock)


@pytest.mark.parametrize("outage_id", ["abc", "0", "-1", "999999", "99999999999"])
def test_an_outage_id_that_names_nothing_is_not_found(database: Database, outage_id: str) -> None:
    with database.unit_of_work(write=False) as session, pytest.raises(NotFound) as caught:
        outages.get_outage(session, outage_id)
    assert caught.value.detail == "no such outage"


def test_an_outage_needs_timestamps_with_an_offset_whoever_declares_it(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    start = datetime(2026, 11, 24, 1, 0)  # noqa: DTZ001 — a naive time is what is refused
    with database.unit_of_work() as session, pytest.raises(InvalidInput) as caught:
        spec = outages.OutageSpec(
            kind="outage", regions=["长沙市"], cell_ids=[], starts_at=start,
            expected_end_at=start + timedelta(hours=4), description="光缆中断",
        )  # fmt: skip
        outages.open_outage(session, SUPERVISOR, settings, spec, clock=clock)
    assert caught.value.extra["errors"] == [{"loc": ["start"], "msg": "timestamps need an offset"}]


def test_outages_are_shown_with_their_linked_tickets_in_one_go(
    database: Database, settings: Settings, clock: FixedClock
) -> None:
    start = clock.now() + timedelta(hours=1)
    with database.unit_of_work() as session:
        declared = [
            outages.open_outage(
                session,
                SUPERVISOR,
                settings,
                outages.OutageSpec(
                    kind="cutover",
                    regions=[region],
                    cell_ids=[],
                    starts_at=start,
                    expected_end_at=start + timedelta(hours=2),
                    description="割接",
                ),
                clock=clock,
            )
            for region in ("长沙市", "无此地区")
        ]
        shown = outages.shown(session, declared)
        linked = outages.linked_tickets(session, [o.id for o in declared])
        assert outages.linked_tickets(session, []) == {}
    assert [s.id for s in shown] == [str(o.id) for o in declared]
    assert [s.ticket_ids for s in shown] == [[str(t) for t in linked[o.id]] for o in declared]
    assert linked[declared[1].id] == []
