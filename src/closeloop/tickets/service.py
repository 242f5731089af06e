"""Creating, finding and showing tickets; who may see which (工单服务)."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, bindparam, exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers.models import Customer
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, Forbidden, InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.organisation.models import Category, Cause
from closeloop.organisation.service import leaf_problem
from closeloop.runtime.work import Work
from closeloop.tickets import history, sla
from closeloop.tickets.deadlines import refresh
from closeloop.tickets.events import TicketChanged
from closeloop.tickets.models import Breach, IdempotencyKey, Ticket, TicketEvent, TicketStationVisit
from closeloop.tickets.numbering import next_number
from closeloop.tickets.schemas import (
    AppointmentOut,
    BreachOut,
    HistoryOut,
    LocationOut,
    TicketIn,
    TicketOut,
)
from closeloop.tickets.settings import PROMISE_HOURS, SEGMENT_SERVICE_SETTING
from closeloop.tickets.workflow import OPEN_STATUSES, REOPEN_WITHIN, actions_for

SEES_ALL = ("admin", "supervisor", "agent", "expert", "callback", "qa")


def _sees_all(actor: Actor) -> bool:
    """Whether the actor sees every ticket (False: those of their station); 403 for neither."""
    actor.require("tickets.read")
    if actor.has_role(*SEES_ALL):
        return True
    if actor.station:
        return False
    raise Forbidden("this role does not work on tickets")


def visibility(actor: Actor) -> ColumnElement[bool] | None:
    """The condition on tickets this actor may see (None: all); 403 for roles that see none."""
    if _sees_all(actor):
        return None
    return exists().where(
        TicketStationVisit.ticket_id == Ticket.id, TicketStationVisit.station == actor.station
    )


# The per-request reads of one ticket, built once (bound parameters: ticket_id, station).
_BY_ID = select(Ticket).where(Ticket.id == bindparam("ticket_id"), Ticket.deleted_at.is_(None))
_VISITED = exists().where(
    TicketStationVisit.ticket_id == Ticket.id, TicketStationVisit.station == bindparam("station")
)
_LOAD = {
    (sees_all, lock): (q.with_for_update() if lock else q)
    for sees_all in (True, False)
    for lock in (True, False)
    for q in [_BY_ID if sees_all else _BY_ID.where(_VISITED)]
}
_HISTORY = (
    select(TicketEvent)
    .where(TicketEvent.ticket_id == bindparam("ticket_id"))
    .order_by(TicketEvent.id)
)
_BREACHES = select(Breach).where(Breach.ticket_id == bindparam("ticket_id")).order_by(Breach.id)


def load_ticket(session: Session, actor: Actor, ticket_id: str, *, lock: bool = False) -> Ticket:
    """A ticket the actor may see (404 otherwise), locked for an update when asked."""
    sees_all = _sees_all(actor)
    number = parse_id(ticket_id)
    if number is None:
        raise NotFound(f"no ticket {ticket_id!r}")
    params: dict[str, object] = {"ticket_id": number}
    if not sees_all:
        params["station"] = actor.station
    ticket = session.scalar(_LOAD[sees_all, lock], params)
    if ticket is None:
        raise NotFound(f"no ticket {ticket_id!r}")
    return ticket


def is_leaf(session: Session, model: type[Category] | type[Cause], code: str) -> bool:
    """Whether new tickets (categories) or replies (causes) may use the code: an active leaf
    of the taxonomy."""
    return leaf_problem(session, model, code) is None


def _customer(session: Session, data: TicketIn) -> Customer:
    if data.customer_id:
        number = parse_id(data.customer_id)
        found = session.get(Customer, number) if number is not None else None
        if found is None:
            raise InvalidInput.field("customer_id", f"no customer {data.customer_id!r}")
        if data.msisdn and found.msisdn != data.msisdn:
            raise InvalidInput.field("msisdn", "does not belong to customer_id")
        return found
    found = session.scalar(select(Customer).where(Customer.msisdn == data.msisdn))
    if found is None:
        raise InvalidInput.field("msisdn", "no customer with this number")
    return found


def _body_hash(data: TicketIn) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def find_duplicate(
    session: Session, customer_id: int, category: str, *, before_id: int | None = None
) -> Ticket | None:
    """An open ticket of the same customer in the same category (a possible duplicate),
    opened before ticket `before_id` when given."""
    params = {"customer_id": customer_id, "category": category}
    if before_id is None:
        return session.scalar(_DUPLICATE, params)
    return session.scalar(_DUPLICATE_BEFORE, {**params, "before_id": before_id})


_DUPLICATE = (
    select(Ticket)
    .where(
        Ticket.customer_id == bindparam("customer_id"),
        Ticket.category == bindparam("category"),
        Ticket.status.in_(OPEN_STATUSES),
    )
    .order_by(Ticket.id.desc())
    .limit(1)
)
_DUPLICATE_BEFORE = _DUPLICATE.where(Ticket.id < bindparam("before_id"))


def create_ticket(
    session: Session,
    actor: Actor,
    data: TicketIn,
    *,
    tz: ZoneInfo,
    idempotency_key: str | None = None,
    clock: Clock = system_clock,
) -> tuple[Ticket, Ticket | None]:
    """Open a ticket (status new); returns it and a possible duplicate (not blocking).

    With an Idempotency-Key, the same key and body return the ticket created the first time.
    """
    actor.require("tickets.create")
    body_hash = _body_hash(data)
    if idempotency_key:
        if len(idempotency_key) > 128:
            raise InvalidInput.field(["header", "Idempotency-Key"], "at most 128 characters")
        earlier = session.get(IdempotencyKey, (actor.username, idempotency_key))
        if earlier is not None:
            if earlier.body_hash != body_hash:
                raise InvalidInput.field(
                    ["header", "Idempotency-Key"], "already used with a different request body"
                )
            ticket = session.get(Ticket, earlier.ticket_id)
            assert ticket is not None
            # The replay answers as the first request did, duplicate hint included.
            return ticket, find_duplicate(
                session, ticket.customer_id, ticket.category, before_id=ticket.id
            )
    customer = _customer(session, data)
    problem = leaf_problem(session, Category, data.category)
    if problem:
        raise InvalidInput.field("category", problem)
    duplicate = find_duplicate(session, customer.id, data.category)
    now = clock.now()
    location = data.location
    business = Work.of(session).business
    promise_cap, priority = sla.segment_terms(
        customer.value_tier, business(SEGMENT_SERVICE_SETTING.key)
    )
    ticket = Ticket(
        number=next_number(session, now, tz),
        status="new",
        version=1,
        customer_id=customer.id,
        channel=data.channel,
        type=data.type,
        category=data.category,
        severity=data.severity,
        priority=priority,
        title=data.title,
        description=data.description,
        region=location.region if location else customer.region,
        cell_id=location.cell_id if location else None,
        address=location.address if location else None,
        created_by=actor.username,
        prewarned=False,
        reopen_count=0,
        return_count=0,
        first_contact_resolved=False,
        resolution_due_at=sla.resolution_due(
            now, data.type, data.severity, business(PROMISE_HOURS.key), promise_cap
        ),
        created_at=now,
        updated_at=now,
    )
    refresh(ticket, now)
    session.add(ticket)
    session.flush()
    history.append(session, history.Entry(
        ticket.id, now, actor.username, "create", None, "new",
        note=history.opening_note(data.channel, data.title),
    ))  # fmt: skip
    if idempotency_key:
        session.add(
            IdempotencyKey(
                username=actor.username,
                key=idempotency_key,
                body_hash=body_hash,
                ticket_id=ticket.id,
                created_at=now,
            )
        )
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError as exc:
            raise Conflict("a request with this Idempotency-Key is being processed") from exc
    audit.record(
        session,
        actor,
        "ticket.create",
        "ticket",
        ticket.id,
        f"{ticket.number} {data.type}/{data.severity} {data.category}",
        clock=clock,
    )
    Work.of(session).publish(
        TicketChanged(at=now, ticket=ticket, action="create", from_status=None)
    )
    return ticket, duplicate


def history_of(session: Session, ticket_ids: list[int]) -> dict[int, list[TicketEvent]]:
    """The history of several tickets, oldest first (one query)."""
    result: dict[int, list[TicketEvent]] = {i: [] for i in ticket_ids}
    if len(ticket_ids) == 1:
        result[ticket_ids[0]] = list(session.scalars(_HISTORY, {"ticket_id": ticket_ids[0]}))
    elif ticket_ids:
        query = select(TicketEvent).where(TicketEvent.ticket_id.in_(ticket_ids))
        for event in session.scalars(query.order_by(TicketEvent.id)):
            result[event.ticket_id].append(event)
    return result


def breaches_of(session: Session, tickets: list[Ticket]) -> dict[int, list[Breach]]:
    """The breaches of several tickets (one query, none when no ticket was ever late)."""
    result: dict[int, list[Breach]] = {t.id: [] for t in tickets}
    ticket_ids = [t.id for t in tickets if t.breach_count]
    if len(ticket_ids) == 1:
        result[ticket_ids[0]] = list(session.scalars(_BREACHES, {"ticket_id": ticket_ids[0]}))
    elif ticket_ids:
        query = select(Breach).where(Breach.ticket_id.in_(ticket_ids)).order_by(Breach.id)
        for breach in session.scalars(query):
            result[breach.ticket_id].append(breach)
    return result


def _actions_now(ticket: Ticket, actor: Actor, now: datetime) -> list[str]:
    """What this actor may do with the ticket now (reopen only within its window)."""
    actions = actions_for(
        ticket.status, actor.roles, actor.station is not None and actor.station == ticket.station
    )
    if ticket.closed_at is not None and now - ticket.closed_at > REOPEN_WITHIN:
        actions = [a for a in actions if a != "reopen"]
    return actions


def ticket_out(
    ticket: Ticket,
    history: list[TicketEvent],
    breaches: list[Breach],
    actor: Actor,
    now: datetime,
    *,
    duplicate: Ticket | None = None,
) -> TicketOut:
    """A ticket as the API shows it to this actor at `now`."""
    has_location = ticket.region or ticket.cell_id or ticket.address
    return TicketOut(
        id=str(ticket.id),
        number=ticket.number,
        status=ticket.status,
        version=ticket.version,
        customer_id=str(ticket.customer_id),
        channel=ticket.channel,
        type=ticket.type,
        category=ticket.category,
        severity=ticket.severity,
        title=ticket.title,
        description=ticket.description,
        location=LocationOut(region=ticket.region, cell_id=ticket.cell_id, address=ticket.address)
        if has_location
        else None,
        station=ticket.station,
        assignee=ticket.assignee,
        due_at=ticket.due_at,
        overdue=ticket.due_at is not None and ticket.due_at < now,
        resolution_due_at=ticket.resolution_due_at,
        cause_code=ticket.cause_code,
        resolution=ticket.resolution,
        satisfaction=ticket.satisfaction,
        score=ticket.score,
        reopen_count=ticket.reopen_count,
        return_count=ticket.return_count,
        created_at=ticket.created_at,
        updated_at=ticket.updated_at,
        closed_at=ticket.closed_at,
        appointment=AppointmentOut(start=ticket.appointment_start, end=ticket.appointment_end)
        if ticket.appointment_start and ticket.appointment_end
        else None,
        allowed_actions=_actions_now(ticket, actor, now),
        possible_duplicate_of=str(duplicate.id) if duplicate else None,
        history=[
            HistoryOut(
                at=e.at,
                actor=e.actor,
                action=e.action,
                from_status=e.from_status,
                to_status=e.to_status,
                station=e.station,
                note=e.note,
            )
            for e in history
        ],
        breaches=[
            BreachOut(stage=b.stage, station=b.station, due_at=b.due_at, detected_at=b.detected_at)
            for b in breaches
        ],
    )


def show(session: Session, ticket: Ticket, actor: Actor, now: datetime, **extra: Any) -> TicketOut:
    """One ticket with its history and breaches."""
    return ticket_out(
        ticket,
        history_of(session, [ticket.id])[ticket.id],
        breaches_of(session, [ticket])[ticket.id],
        actor,
        now,
        **extra,
    )
