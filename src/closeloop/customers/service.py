"""Customers and plans: create, find, list, mask, record contacts (客户资料)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.customers.events import ContactEnded
from closeloop.customers.models import Contact, Customer, Plan
from closeloop.customers.schemas import (
    MAX_CONTACT_SECONDS,
    ContactIn,
    ContactOut,
    CustomerIn,
    CustomerOut,
    decimal_to_float,
)
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.kit.ids import parse_id
from closeloop.kit.masking import mask_id_number, mask_msisdn
from closeloop.runtime.work import Work

PERSONAL_DATA = "customers.read_personal"


def list_plans(session: Session) -> list[Plan]:
    """Every plan, by code."""
    return list(session.scalars(select(Plan).order_by(Plan.code)))


def plan_out(plan: Plan) -> dict[str, object]:
    """A plan as the API shows it."""
    return {
        "code": plan.code,
        "name": plan.name,
        "monthly_fee": decimal_to_float(plan.monthly_fee),
        "data_mb": plan.data_mb,
        "voice_min": plan.voice_min,
        "sms": plan.sms,
    }


def create_customer(
    session: Session, actor: Actor, data: CustomerIn, *, clock: Clock = system_clock
) -> Customer:
    """Register a customer; 409 when the number is already a customer's."""
    actor.require("customers.write")
    plan = session.scalar(select(Plan).where(Plan.code == data.plan_code))
    if plan is None:
        raise InvalidInput.field("plan_code", f"no plan {data.plan_code!r}")
    if session.scalar(select(Customer.id).where(Customer.msisdn == data.msisdn)) is not None:
        raise Conflict(f"msisdn {mask_msisdn(data.msisdn)} is already a customer")
    customer = Customer(
        msisdn=data.msisdn,
        name=data.name,
        region=data.region,
        plan=plan,
        join_date=data.join_date or clock.now().date(),
        id_number=data.id_number,
        segment=data.segment,
        email=data.email.lower() if data.email else None,
        deposit=data.deposit,
        sales_channel=data.sales_channel,
    )
    session.add(customer)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent create of the same number
        raise Conflict(f"msisdn {mask_msisdn(data.msisdn)} is already a customer") from exc
    audit.record(
        session,
        actor,
        "customer.create",
        "customer",
        customer.id,
        f"plan={plan.code} region={customer.region}",
        clock=clock,
    )
    return customer


def _parse_id(customer_id: str) -> int:
    number = parse_id(customer_id)
    if number is None:
        raise NotFound(f"no customer {customer_id!r}")
    return number


def get_customer(session: Session, actor: Actor, customer_id: str) -> Customer:
    """One customer by id, or 404."""
    actor.require("customers.read")
    customer = session.get(Customer, _parse_id(customer_id))
    if customer is None:
        raise NotFound(f"no customer {customer_id!r}")
    return customer


def find_by_msisdn(session: Session, actor: Actor, msisdn: str) -> Customer | None:
    """The customer with exactly this number, if any."""
    actor.require("customers.read")
    return session.scalar(select(Customer).where(Customer.msisdn == msisdn))


def list_customers(
    session: Session,
    actor: Actor,
    *,
    region: str | None = None,
    plan_code: str | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> list[Customer]:
    """Customers in id order (keyset paging), optionally by region or plan."""
    actor.require("customers.read")
    query = select(Customer).order_by(Customer.id).limit(limit)
    if region:
        query = query.where(Customer.region == region)
    if plan_code:
        query = query.join(Plan).where(Plan.code == plan_code)
    if after_id is not None:
        query = query.where(Customer.id > after_id)
    return list(session.scalars(query))


def customer_out(
    session: Session, actor: Actor, customer: Customer, *, clock: Clock = system_clock
) -> CustomerOut:
    """A customer as this actor may see them; an unmasked read is audited."""
    unmasked = actor.can(PERSONAL_DATA)
    if unmasked:
        audit.record(
            session,
            actor,
            "customer.read_personal",
            "customer",
            customer.id,
            "msisdn,id_number shown unmasked",
            clock=clock,
        )
    id_number = customer.id_number
    return CustomerOut(
        id=str(customer.id),
        msisdn=customer.msisdn if unmasked else mask_msisdn(customer.msisdn),
        name=customer.name,
        region=customer.region,
        plan_code=customer.plan.code,
        plan_name=customer.plan.name,
        join_date=customer.join_date,
        id_number=id_number if unmasked or id_number is None else mask_id_number(id_number),
        segment=customer.segment,
        deposit=None if customer.deposit is None else float(customer.deposit),
        sales_channel=customer.sales_channel,
        masked=not unmasked,
    )


def record_contact(
    session: Session,
    actor: Actor,
    customer: Customer,
    data: ContactIn,
    *,
    clock: Clock = system_clock,
) -> Contact:
    """Record a contact with the customer on their timeline; with an end or a duration its
    handling time is recorded too (a call reported after it ended)."""
    actor.require("contacts.write")
    now = clock.now()
    started = data.started_at or now
    if started > now:
        raise InvalidInput.field("started_at", "a contact cannot begin in the future")
    contact = Contact(
        customer_id=customer.id,
        at=started,
        channel=data.channel,
        agent=actor.username,
        summary=data.summary,
    )
    if data.ended_at is not None:
        _finish(contact, data.ended_at, "ended_at")
    elif data.duration_seconds is not None:
        contact.duration_seconds = data.duration_seconds
        contact.ended_at = started + timedelta(seconds=data.duration_seconds)
    session.add(contact)
    session.flush()
    _ended(session, contact)
    audit.record(
        session,
        actor,
        "contact.create",
        "customer",
        customer.id,
        f"channel={data.channel} duration={contact.duration_seconds}",
        clock=clock,
    )
    return contact


def get_contact(session: Session, actor: Actor, contact_id: str) -> Contact:
    """One contact by id, or 404."""
    actor.require("contacts.write")
    number = parse_id(contact_id)
    contact = session.get(Contact, number) if number is not None else None
    if contact is None:
        raise NotFound(f"no contact {contact_id!r}")
    return contact


def end_contact(
    session: Session,
    actor: Actor,
    contact: Contact,
    *,
    at: datetime | None = None,
    clock: Clock = system_clock,
) -> Contact:
    """End an open contact (挂机/结束接触) `at` the given instant or now: its handling time is
    the time from its start; 409 when it has ended already."""
    actor.require("contacts.write")
    if contact.ended_at is not None:
        raise Conflict(f"contact {contact.id} ended already at {contact.ended_at.isoformat()}")
    ended = at or clock.now()
    if ended > clock.now():
        raise InvalidInput.field("at", "a contact cannot end in the future")
    _finish(contact, ended, "at")
    session.flush()
    _ended(session, contact)
    audit.record(
        session,
        actor,
        "contact.end",
        "customer",
        contact.customer_id,
        f"contact={contact.id} duration={contact.duration_seconds}",
        clock=clock,
    )
    return contact


def _ended(session: Session, contact: Contact) -> None:
    """Tell the other domains a contact ended (its handling time is known)."""
    if contact.ended_at is None:
        return
    Work.of(session).publish(
        ContactEnded(
            at=contact.ended_at,
            contact_id=contact.id,
            customer_id=contact.customer_id,
            channel=contact.channel,
            agent=contact.agent,
            duration_seconds=contact.duration_seconds or 0,
            started_at=contact.at,
        )
    )


def _finish(contact: Contact, ended: datetime, field: str) -> None:
    seconds = (ended - contact.at).total_seconds()
    if seconds < 0:
        raise InvalidInput.field(field, "a contact cannot end before it began")
    if seconds > MAX_CONTACT_SECONDS:
        raise InvalidInput.field(field, "a contact cannot last longer than a day")
    contact.ended_at = ended
    contact.duration_seconds = round(seconds)


def contact_out(contact: Contact) -> ContactOut:
    """A contact as the API shows it."""
    return ContactOut(
        id=str(contact.id),
        customer_id=str(contact.customer_id),
        at=contact.at,
        channel=contact.channel,
        agent=contact.agent,
        ended_at=contact.ended_at,
        duration_seconds=contact.duration_seconds,
    )


def mark_answered(session: Session, actor: Actor, contact: Contact, *, clock: Clock) -> None:
    """Record that an agent answered the contact (an inbound SMS answered by SMS), audited."""
    actor.require("contacts.write")
    contact.answered_at, contact.answered_by = clock.now(), actor.username
    audit.record(session, actor, "contact.answer", "contact", contact.id, clock=clock)


def link_ticket(
    session: Session, actor: Actor, contact: Contact, ticket_id: int, *, clock: Clock
) -> None:
    """Record the ticket opened from the contact (受理), audited."""
    actor.require("contacts.write")
    contact.ticket_id = ticket_id
    audit.record(
        session, actor, "contact.ticket", "contact", contact.id, f"ticket {ticket_id}", clock=clock
    )
