"""Changing a ticket outside the workflow: description and notes (one version, one audit entry
for all of it), and hiding a ticket (administrators only)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.auth.users import actor_for, get_by_username
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import Forbidden, NotFound
from closeloop.tickets import edits, schemas, service
from closeloop.tickets.edits import Note
from closeloop.tickets.models import Ticket, TicketEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _actor(database: Database, username: str) -> Actor:
    with database.unit_of_work(write=False) as session:
        return actor_for(session, get_by_username(session, username))


def _open(database: Database, clock: FixedClock) -> int:
    with database.unit_of_work() as session:
        customer = session.scalar(select(Customer.id).order_by(Customer.id).limit(1))
        data = schemas.TicketIn(
            customer_id=str(customer), channel="hotline", type="fault",
            category="signal/5g/no_5g", severity="normal", title="无信号", description="原描述",
        )  # fmt: skip
        ticket, _duplicate = service.create_ticket(
            session, _actor(database, "agent"), data, tz=SHANGHAI, clock=clock
        )
        return ticket.id


def _audit(database: Database, ticket_id: int) -> list[tuple[str, str, str]]:
    with database.unit_of_work(write=False) as session:
        query = select(AuditEntry).where(
            AuditEntry.entity_type == "ticket", AuditEntry.entity_id == str(ticket_id)
        )
        return [
            (e.actor, e.action, e.summary) for e in session.scalars(query.order_by(AuditEntry.id))
        ]


def test_a_new_description_and_notes_take_one_version_and_one_audit_entry(
    database: Database, clock: FixedClock
) -> None:
    ticket_id = _open(database, clock)
    agent = _actor(database, "agent")
    clock.advance(timedelta(minutes=5))
    with database.unit_of_work() as session:
        ticket = service.load_ticket(session, agent, str(ticket_id), lock=True)
        done = edits.amend(
            session, agent, ticket, description="新描述",
            notes=[Note("张三", "客户补充：晚上更严重"), Note("", "已电话确认")], clock=clock,
        )  # fmt: skip
        assert done.changed == ["description", "note"] and done.at == clock.now()
        assert (ticket.version, ticket.description, ticket.updated_at) == (2, "新描述", clock.now())
    with database.unit_of_work(write=False) as session:
        notes = session.scalars(
            select(TicketEvent).where(
                TicketEvent.ticket_id == ticket_id, TicketEvent.action == "note"
            )
        ).all()
        assert [(n.actor, n.note, n.from_status, n.to_status) for n in notes] == [
            ("张三", "客户补充：晚上更严重", "new", "new"),
            ("agent", "已电话确认", "new", "new"),
        ]
        assert session.get(Ticket, ticket_id).status == "new"  # type: ignore[union-attr]
    assert _audit(database, ticket_id)[-1] == ("agent", "ticket.amend", "description,note")


def test_nothing_new_changes_nothing(database: Database, clock: FixedClock) -> None:
    ticket_id = _open(database, clock)
    agent = _actor(database, "agent")
    before = _audit(database, ticket_id)
    with database.unit_of_work() as session:
        ticket = service.load_ticket(session, agent, str(ticket_id), lock=True)
        done = edits.amend(session, agent, ticket, description="原描述", notes=[], clock=clock)
        assert done.changed == [] and ticket.version == 1
    assert _audit(database, ticket_id) == before


def test_changes_made_beside_the_ticket_count_and_are_audited_under_the_callers_action(
    database: Database, clock: FixedClock
) -> None:
    ticket_id = _open(database, clock)
    agent = _actor(database, "agent")
    with database.unit_of_work() as session:
        ticket = service.load_ticket(session, agent, str(ticket_id), lock=True)
        done = edits.amend(
            session, agent, ticket, description="x" * 6000, also_changed=["externalId"],
            audit_action="tmf.ticket.update", clock=clock,
        )  # fmt: skip
        assert done.changed == ["externalId", "description"]
        assert ticket.version == 2 and len(ticket.description) == edits.MAX_DESCRIPTION
    assert _audit(database, ticket_id)[-1] == (
        "agent", "tmf.ticket.update", "externalId,description"
    )  # fmt: skip


def test_only_an_administrator_hides_a_ticket_and_it_is_then_not_found(
    database: Database, clock: FixedClock
) -> None:
    ticket_id = _open(database, clock)
    admin, supervisor = _actor(database, "admin"), _actor(database, "supervisor")
    with database.unit_of_work() as session:
        ticket = service.load_ticket(session, supervisor, str(ticket_id), lock=True)
        with pytest.raises(Forbidden):
            edits.hide(session, supervisor, ticket, clock=clock)
        assert ticket.deleted_at is None
        edits.hide(session, admin, ticket, clock=clock)
    with database.unit_of_work(write=False) as session:
        with pytest.raises(NotFound):
            service.load_ticket(session, admin, str(ticket_id))
        kept = session.get(Ticket, ticket_id)
        assert kept is not None and kept.deleted_at == clock.now()
        number = kept.number
    assert _audit(database, ticket_id)[-1] == ("admin", "ticket.delete", number)
