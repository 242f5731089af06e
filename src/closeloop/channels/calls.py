"""Phone-system events (话务事件, CTI): ringing pops the caller's panel at the agent's seat, the
end of a call records a `hotline` contact on the caller's timeline with its real duration."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.channels import call_rules
from closeloop.channels.events import CallAnswered, CallEnded, CallRinging
from closeloop.channels.models import PhoneCall
from closeloop.channels.schemas import CallEventIn, CallOut
from closeloop.customers.models import Customer
from closeloop.customers.schemas import MAX_CONTACT_SECONDS, ContactIn
from closeloop.customers.service import record_contact
from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput
from closeloop.runtime.work import Work


def _call(session: Session, data: CallEventIn, caller: str) -> PhoneCall:
    call = session.scalar(
        select(PhoneCall).where(PhoneCall.call_id == data.call_id).with_for_update()
    )
    if call is None:
        call = PhoneCall(call_id=data.call_id, caller=caller, status=data.event)
        call.customer_id = session.scalar(select(Customer.id).where(Customer.msisdn == caller))
        session.add(call)
    call.agent = data.agent or call.agent
    return call


def report(work: Work, data: CallEventIn) -> PhoneCall:
    """Record one event of a call; the same event again changes nothing."""
    work.actor.require("cti.events")
    caller = call_rules.caller_number(data.caller)
    if caller is None:
        raise InvalidInput.field(["body", "caller"], "not a phone number (digits, maybe +86)")
    session = work.session
    call = _call(session, data, caller)
    if call.status == "ended":
        return call  # a late or repeated event of a finished call
    if data.event == "ringing" and call.ringing_at is None:
        call.ringing_at, call.status = data.at, "ringing"
        work.publish(CallRinging(at=data.at, call_id=call.call_id, caller=caller, agent=call.agent))
    elif data.event == "answered" and call.answered_at is None:
        call.answered_at, call.status = data.at, "answered"
        work.publish(
            CallAnswered(at=data.at, call_id=call.call_id, caller=caller, agent=call.agent)
        )
    elif data.event == "ended":
        _end(work, call, data)
        work.publish(
            CallEnded(
                at=data.at,
                call_id=call.call_id,
                caller=caller,
                agent=call.agent,
                duration_seconds=call_rules.duration_seconds(
                    call.ringing_at, call.answered_at, data.at
                ),
                customer_id=call.customer_id,
            )
        )
    session.flush()
    audit.record(
        session, work.actor, f"call.{data.event}", "call", call.call_id, caller, clock=work.clock
    )
    return call


def _end(work: Work, call: PhoneCall, data: CallEventIn) -> None:
    call.ended_at, call.status = data.at, "ended"
    customer = work.session.get(Customer, call.customer_id) if call.customer_id else None
    if customer is None:
        return  # a caller who is no customer of ours: the call is kept, no timeline to write
    seconds = call_rules.duration_seconds(call.ringing_at, call.answered_at, data.at)
    seat = Actor(
        username=call.agent or work.actor.username,
        roles=("system",),
        permissions=frozenset({"contacts.write"}),
    )
    # the phone system's clock may run a little ahead of ours: a call never begins in the future
    started = min(call.answered_at or call.ringing_at or data.at, work.now())
    summary = f"热线来电 {seconds} 秒" + (f"（坐席 {call.agent}）" if call.agent else "")
    contact = record_contact(
        work.session,
        seat,
        customer,
        ContactIn(
            channel="hotline",
            summary=summary,
            started_at=started,
            duration_seconds=min(seconds, MAX_CONTACT_SECONDS),
        ),
        clock=work.clock,
    )
    call.contact_id = contact.id


def call_out(call: PhoneCall) -> CallOut:
    """A call as the API shows it."""
    seconds = (
        call_rules.duration_seconds(call.ringing_at, call.answered_at, call.ended_at)
        if call.ended_at
        else None
    )
    return CallOut(
        call_id=call.call_id,
        status=call.status,
        caller=call.caller,
        agent=call.agent,
        customer_id=str(call.customer_id) if call.customer_id else None,
        contact_id=str(call.contact_id) if call.contact_id else None,
        ringing_at=call.ringing_at,
        answered_at=call.answered_at,
        ended_at=call.ended_at,
        duration_seconds=seconds,
    )


def ringing_for(session: Session, agent: str) -> list[PhoneCall]:
    """The calls ringing or in progress at an agent's seat, newest first (the screen pop)."""
    query = (
        select(PhoneCall)
        .where(PhoneCall.agent == agent, PhoneCall.status.in_(("ringing", "answered")))
        .order_by(PhoneCall.ringing_at.desc())
        .limit(5)
    )
    return list(session.scalars(query))
