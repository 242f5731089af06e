"""The TMF621 façade's update and delete services: what a TroubleTicket_Update does to the
native ticket (through the tickets domain's services), to the façade's attributes and to the
hub's events; and reading an update against the ticket as it was (pure)."""

from __future__ import annotations

import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import AuditEntry
from closeloop.auth.users import actor_for, get_by_username
from closeloop.db.engine import Database
from closeloop.kit.actor import Actor
from closeloop.kit.clock import FixedClock
from closeloop.kit.errors import Conflict, Forbidden, NotFound
from closeloop.tickets.edits import Note
from closeloop.tickets.models import Ticket, TicketEvent
from closeloop.tmf import ticket_service
from closeloop.tmf.common import BadRequest
from closeloop.tmf.models import TmfEvent, TmfTicket
from closeloop.tmf.ticket_mapping import parse_update, refuse_read_only

SHANGHAI = ZoneInfo("Asia/Shanghai")
BASE = "http://tmf.test"
BEFORE = {"status": "acknowledged", "severity": "High", "channel": {"id": "online"}}


# --- reading an update (pure) --------------------------------------------------------------


def test_an_update_names_only_a_status_that_differs_and_its_reason() -> None:
    same = parse_update({"status": "acknowledged", "statusChangeReason": 5}, BEFORE)
    assert same.status is None and same.status_reason == ""
    moved = parse_update({"status": "closed", "statusChangeReason": "已解决"}, BEFORE)
    assert (moved.status, moved.status_reason) == ("closed", "已解决")
    with pytest.raises(BadRequest, match="statusChangeReason must be a JSON str"):
        parse_update({"status": "closed", "statusChangeReason": 5}, BEFORE)


def test_an_update_reads_facade_attributes_in_order_notes_and_the_description() -> None:
    wanted = parse_update(
        {"name": "名", "externalId": None, "ticketType": "device", "description": "d",
         "note": [{"id": "1", "text": "old"}, {"author": "张三", "text": "新"}, {"text": "匿名"}]},
        BEFORE,
    )  # fmt: skip
    assert wanted.attributes == [
        ("ticketType", "ticket_type", "device"),
        ("externalId", "external_id", None),
        ("name", "name", "名"),
    ]
    assert wanted.notes == [Note("张三", "新"), Note("", "匿名")]
    assert wanted.description == "d"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"severity": "Low"}, "severity cannot be changed through the façade"),
        ({"channel": {"id": "sms"}}, "channel cannot be changed through the façade"),
        ({"ticketType": ""}, "ticketType cannot be removed"),
        ({"ticketType": None}, "ticketType cannot be removed"),
        ({"name": 5}, "name must be a JSON str"),
        ({"status": 3}, "status must be a JSON str"),
        ({"note": [{"text": ""}]}, "each note needs a text"),
        ({"description": ["x"]}, "description must be a JSON str"),
    ],
)
def test_a_malformed_update_is_a_bad_request(body: dict[str, Any], message: str) -> None:
    with pytest.raises(BadRequest) as caught:
        parse_update(body, BEFORE)
    assert caught.value.detail == message


def test_repeating_a_fixed_attribute_is_no_change() -> None:
    wanted = parse_update({"severity": "High", "channel": {"id": "online"}}, BEFORE)
    assert wanted.attributes == [] and wanted.status is None


def test_read_only_attributes_are_named_in_order() -> None:
    with pytest.raises(BadRequest, match=r"read-only attribute\(s\): creationDate, id"):
        refuse_read_only({"id": "1", "creationDate": "x", "name": "n"})
    refuse_read_only({"name": "n"})


# --- the services --------------------------------------------------------------------------


@pytest.fixture
def admin(database: Database) -> Actor:
    with database.unit_of_work(write=False) as session:
        return actor_for(session, get_by_username(session, "admin"))


def _create(database: Database, actor: Actor, clock: FixedClock) -> int:
    body = {"description": "网络断了", "severity": "High", "ticketType": "connectivity"}
    with database.unit_of_work() as session:
        return ticket_service.create(session, actor, body, tz=SHANGHAI, clock=clock).id


def _update(session: Session, actor: Actor, ticket_id: int | str, body: dict[str, Any],
            clock: FixedClock) -> dict[str, Any]:  # fmt: skip
    return ticket_service.update(
        session, actor, str(ticket_id), body, base=BASE, tz=SHANGHAI, clock=clock
    )


def _events(session: Session, ticket_id: int) -> list[str]:
    query = select(TmfEvent.event_type).where(TmfEvent.ticket_id == ticket_id)
    return list(session.scalars(query.order_by(TmfEvent.id)))


def _audit(session: Session, ticket_id: int, action: str) -> list[str]:
    query = select(AuditEntry.summary).where(
        AuditEntry.action == action, AuditEntry.entity_id == str(ticket_id)
    )
    return list(session.scalars(query.order_by(AuditEntry.id)))


def test_read_only_attributes_are_refused_before_the_ticket_is_read(
    database: Database, admin: Actor, clock: FixedClock
) -> None:
    with database.unit_of_work() as session:
        with pytest.raises(BadRequest):
            _update(session, admin, "999999", {"id": "1"}, clock)
        with pytest.raises(NotFound):
            _update(session, admin, "999999", {"name": "x"}, clock)


def test_attributes_description_and_notes_are_one_version_one_audit_entry_one_event(
    database: Database, admin: Actor, clock: FixedClock
) -> None:
    ticket_id = _create(database, admin, clock)
    with database.unit_of_work() as session:
        events_before = _events(session, ticket_id)
        body = {"externalId": "E9", "name": "新名字", "description": "新描述",
                "note": [{"text": "补充"}]}  # fmt: skip
        after = _update(session, admin, ticket_id, body, clock)
        assert [after[k] for k in ("externalId", "name", "description")] == [
            "E9",
            "新名字",
            "新描述",
        ]
        assert after["note"][-1]["text"] == "补充"
    with database.unit_of_work(write=False) as session:
        ticket = session.get(Ticket, ticket_id)
        ext = session.get(TmfTicket, ticket_id)
        assert ticket is not None and ext is not None
        assert (ticket.version, ticket.description, ticket.status) == (2, "新描述", "new")
        assert (ext.external_id, ext.name, ext.ticket_type) == ("E9", "新名字", "connectivity")
        assert _audit(session, ticket_id, "tmf.ticket.update") == [
            "externalId,name,description,note"
        ]
        new_events = _events(session, ticket_id)[len(events_before) :]
        assert new_events == ["TroubleTicketAttributeValueChangeEvent"]
        latest = select(TmfEvent.payload).where(TmfEvent.ticket_id == ticket_id)
        payload = json.loads(session.scalars(latest.order_by(TmfEvent.id.desc())).first() or "{}")
        assert payload["event"]["troubleTicket"]["externalId"] == "E9"


def test_an_update_that_changes_nothing_leaves_no_trace(
    database: Database, admin: Actor, clock: FixedClock
) -> None:
    ticket_id = _create(database, admin, clock)
    with database.unit_of_work() as session:
        events_before = _events(session, ticket_id)
        _update(session, admin, ticket_id, {}, clock)
        same = {"description": "网络断了", "severity": "High", "status": "acknowledged"}
        _update(session, admin, ticket_id, same, clock)
    with database.unit_of_work(write=False) as session:
        assert session.get(Ticket, ticket_id).version == 1  # type: ignore[union-attr]
        assert _audit(session, ticket_id, "tmf.ticket.update") == []
        assert _events(session, ticket_id) == events_before


def test_a_new_status_goes_through_the_workflow_beside_the_attribute_change(
    database: Database, admin: Actor, clock: FixedClock
) -> None:
    ticket_id = _create(database, admin, clock)
    with database.unit_of_work() as session:
        body = {"status": "closed", "statusChangeReason": "已指导重启", "externalId": "E10"}
        after = _update(session, admin, ticket_id, body, clock)
        assert (after["status"], after["externalId"]) == ("closed", "E10")
    with database.unit_of_work(write=False) as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None and (ticket.status, ticket.version) == ("closed", 3)
        resolve = (TicketEvent.ticket_id == ticket_id, TicketEvent.action == "resolve")
        steps = session.scalars(select(TicketEvent).where(*resolve))
        assert [(e.from_status, e.to_status, e.note) for e in steps] == [
            ("new", "closed", "已指导重启")
        ]
        assert _audit(session, ticket_id, "tmf.ticket.update") == ["externalId"]


def test_a_refused_status_change_is_a_conflict_naming_the_native_actions(
    database: Database, admin: Actor, clock: FixedClock
) -> None:
    ticket_id = _create(database, admin, clock)
    with database.unit_of_work() as session, pytest.raises(Conflict) as caught:
        _update(session, admin, ticket_id, {"status": "inProgress"}, clock)
    assert "allowed native actions: resolve, escalate, dispatch, cancel" in caught.value.detail


def test_delete_is_for_administrators_hides_the_ticket_and_tells_the_hub(
    database: Database, admin: Actor, clock: FixedClock
) -> None:
    ticket_id = _create(database, admin, clock)
    with database.unit_of_work(write=False) as session:
        supervisor = actor_for(session, get_by_username(session, "supervisor"))
    with database.unit_of_work() as session:
        with pytest.raises(Forbidden):
            ticket_service.delete(session, supervisor, "999999", base=BASE, clock=clock)
        ticket_service.delete(session, admin, str(ticket_id), base=BASE, clock=clock)
    with database.unit_of_work(write=False) as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.deleted_at == clock.now()
        assert _events(session, ticket_id)[-1] == "TroubleTicketDeleteEvent"
        assert _audit(session, ticket_id, "tmf.ticket.delete") == [ticket.number]
