"""Inbound SMS (上行短信): a customer's text answered from CloseLoop's own data (keyword
commands, `sms_rules`), or recorded as an `sms` contact an agent answers by SMS."""

from __future__ import annotations

from sqlalchemy import select

from closeloop.care.events import TextReceived
from closeloop.care.models import UsageMonth
from closeloop.care.outbox import Notice, notify_customer, set_opt_out
from closeloop.channels import sms_rules
from closeloop.channels.events import CustomerTexted
from closeloop.customers.models import Contact, Customer
from closeloop.customers.schemas import ContactIn
from closeloop.customers.service import mark_answered, record_contact
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Conflict, NotFound
from closeloop.runtime.work import Work

SMS_DESK = Actor(
    username="sms-desk",
    roles=("system",),
    permissions=frozenset({"contacts.write", "customers.opt_out"}),
)
REPLY_RULE = "sms_reply"  # the rule our SMS answers are sent under (no opt-out, no daily cap)


def answer_text(work: Work, event: TextReceived) -> None:
    """Listener: answer a customer's text, or keep it for an agent."""
    if event.channel != "sms":
        return
    session = work.session
    customer = session.scalar(select(Customer).where(Customer.msisdn == event.address))
    if customer is None:
        return  # not our customer: nothing to answer from, no timeline to write
    command = sms_rules.read_command(event.text)
    if command.kind == "usage":
        reply = _usage(work, customer)
    elif command.kind == "opt_out":
        for rule in command.rules:
            set_opt_out(session, SMS_DESK, customer, rule, True, clock=work.clock)
        reply = sms_rules.opted_out_text()
    else:
        texted = CustomerTexted(
            at=event.at, customer_id=customer.id, msisdn=customer.msisdn, text=event.text
        )
        work.publish(texted)
        if texted.taken:
            return  # answered by the domain that took it (a survey reply)
        reply = sms_rules.received_text()
    summary = f"上行短信：{event.text}"[:2000]
    record_contact(
        session, SMS_DESK, customer, ContactIn(channel="sms", summary=summary), clock=work.clock
    )
    notify_customer(session, customer, Notice(REPLY_RULE, reply, event.at))


def _usage(work: Work, customer: Customer) -> str:
    local = work.now().astimezone(work.tz)
    period = f"{local.year:04d}-{local.month:02d}"
    month = work.session.get(UsageMonth, (customer.id, period))
    plan = customer.plan
    return sms_rules.usage_text(
        f"{local.month}月",
        (month.home_data_milli if month else 0) / 1000,
        plan.data_mb,
        (month.voice_milli if month else 0) / 1000,
        plan.voice_min,
    )


def reply(work: Work, contact_id: int, text: str) -> int:
    """An agent answers an inbound SMS contact by SMS; the queued notice's id."""
    work.actor.require("contacts.write")
    session = work.session
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise NotFound(f"no contact {contact_id}")
    if contact.channel != "sms":
        raise Conflict("only an SMS contact is answered by SMS")
    customer = session.get(Customer, contact.customer_id)
    assert customer is not None
    notice = notify_customer(session, customer, Notice(REPLY_RULE, text, work.now()))
    assert notice is not None  # sms_reply has no rule settings that could switch it off
    mark_answered(session, work.actor, contact, clock=work.clock)
    session.flush()
    return notice.id
