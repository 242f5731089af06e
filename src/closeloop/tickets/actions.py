"""Taking an action on a ticket: checks in a fixed order, then one transaction of effects.

Checks: visible (404) → the role may ever take the action (403) → If-Match (412) → the table
allows it from this status (409) → this role from this status, this station (403) → the body
(422). Effects: history, audit, deadlines, progress notice, version + 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.db.upsert import insert_ignore
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, Forbidden, InvalidInput, PreconditionFailed
from closeloop.organisation.models import Cause, Station
from closeloop.organisation.service import leaf_problem
from closeloop.runtime.work import Work
from closeloop.tickets import history, schemas, sla
from closeloop.tickets.appointments import place
from closeloop.tickets.deadlines import record_missed, refresh, station_terms
from closeloop.tickets.events import CallbackRecorded, TicketChanged, TicketClosed
from closeloop.tickets.models import Ticket, TicketStationVisit
from closeloop.tickets.service import load_ticket
from closeloop.tickets.workflow import (
    REOPEN_WITHIN,
    allowed_actions,
    callback_target,
    needs_own_station,
    roles_for,
    transition_for,
)


@dataclass
class Step:
    """What an action did: the new status, the station to note, a note, a customer notice."""

    target: str
    note: str = ""
    station: str | None = None
    notice: str | None = None
    charged_to: str | None = None


@dataclass
class Context:
    """Everything an action handler needs."""

    session: Session
    actor: Actor
    ticket: Ticket
    now: datetime


def _resolve(ctx: Context, body: schemas.ResolveBody) -> Step:
    t = ctx.ticket
    if body.cause_code is not None:
        _check_cause(ctx.session, body.cause_code)
    t.first_contact_resolved = t.status == "new"
    t.resolution, t.cause_code, t.closed_at = body.resolution, body.cause_code, ctx.now
    return Step("closed", body.resolution, notice="close")


def _escalate(ctx: Context, body: schemas.NoteBody) -> Step:
    return Step("expert", body.note)


def _dispatch(ctx: Context, body: schemas.DispatchBody) -> Step:
    t, session = ctx.ticket, ctx.session
    station = session.get(Station, body.station)
    if station is None:
        raise InvalidInput.field("station", f"no station {body.station!r}")
    if station.retired_at is not None:
        raise InvalidInput.field("station", f"station {body.station!r} is retired")
    if t.held_by:
        raise _refused(t, "dispatch", f"ticket is held by problem {t.held_by}", allowed=[])
    if station.code == t.station and t.status == "in_progress":
        raise _refused(t, "dispatch", f"ticket is already at station {station.code}")
    terms = station_terms(session, station, t.severity)
    t.accept_due_at, t.work_due_at, t.prewarn_at = sla.on_dispatch(ctx.now, terms)
    t.station, t.assignee, t.prewarned, t.work_remaining_minutes = station.code, None, False, None
    t.dispatched_by, t.dispatched_at = ctx.actor.username, ctx.now
    insert_ignore(session, TicketStationVisit, {"ticket_id": t.id, "station": station.code})
    return Step("dispatched", body.note, station=station.code, notice="dispatch")


def _accept(ctx: Context, body: schemas.EmptyBody) -> Step:
    ctx.ticket.assignee = ctx.actor.username
    window = getattr(body, "appointment", None)
    note = f"上门预约：{place(ctx.session, ctx.ticket, window, ctx.now)}" if window else ""
    return Step("in_progress", note, notice="accept")


def _leave_station(t: Ticket) -> None:
    t.station = t.assignee = None
    t.accept_due_at = t.work_due_at = t.prewarn_at = None
    t.work_remaining_minutes = None


def _return(ctx: Context, body: schemas.ReasonBody) -> Step:
    t = ctx.ticket
    station = t.station
    t.return_count += 1
    _leave_station(t)
    return Step("expert", body.reason, station=station, charged_to=t.dispatched_by)


def _hold(ctx: Context, body: schemas.ReasonBody) -> Step:
    t = ctx.ticket
    station = ctx.session.get(Station, t.station)
    assert station is not None and t.work_due_at is not None
    calendar = station_terms(ctx.session, station, t.severity).calendar
    t.work_remaining_minutes = sla.on_hold(ctx.now, t.work_due_at, calendar)
    t.work_due_at = t.prewarn_at = None
    return Step("pending", body.reason)


def _resume(ctx: Context, body: schemas.ReasonBody) -> Step:
    t = ctx.ticket
    station = ctx.session.get(Station, t.station)
    assert station is not None
    terms = station_terms(ctx.session, station, t.severity)
    t.work_due_at, t.prewarn_at = sla.on_resume(
        ctx.now, t.work_remaining_minutes or 0, terms.limit_minutes, terms.calendar
    )
    t.prewarned = t.prewarn_at is None
    t.work_remaining_minutes = None
    return Step("in_progress", body.reason)


def _check_cause(session: Session, code: str) -> None:
    problem = leaf_problem(session, Cause, code)
    if problem:
        raise InvalidInput.field("cause_code", problem)


def _reply(ctx: Context, body: schemas.ReplyBody) -> Step:
    t = ctx.ticket
    _check_cause(ctx.session, body.cause_code)
    t.cause_code, t.resolution = body.cause_code, body.resolution
    t.callback_due_at = sla.callback_due(ctx.now)
    t.accept_due_at = t.work_due_at = t.prewarn_at = None
    return Step("replied", body.resolution, notice="reply")


def _callback(ctx: Context, body: schemas.CallbackBody) -> Step:
    t = ctx.ticket
    target = callback_target(body.reached, body.satisfaction)
    if not body.reached:
        return Step("replied", body.comment or "未联系上客户")
    t.satisfaction, t.score = body.satisfaction, body.score
    note = f"{body.satisfaction}" + (f" {body.score}/5" if body.score else "")
    note += f" {body.comment}" if body.comment else ""
    if target == "closed":
        t.closed_at, t.callback_due_at = ctx.now, None
        return Step("closed", note, notice="close")
    t.reopen_count += 1
    t.callback_due_at = None
    _leave_station(t)
    return Step("expert", note)


def _cancel(ctx: Context, body: schemas.ReasonBody) -> Step:
    ctx.ticket.closed_at = ctx.now
    return Step("cancelled", body.reason)


def _reopen(ctx: Context, body: schemas.ReasonBody) -> Step:
    t = ctx.ticket
    if t.closed_at is None or ctx.now - t.closed_at > REOPEN_WITHIN:
        raise _refused(
            t, "reopen", "a ticket can be reopened only within 7 days of closing", allowed=[]
        )
    t.reopen_count += 1
    t.closed_at = t.satisfaction = t.score = None
    _leave_station(t)
    return Step("expert", body.reason)


Handler = Callable[[Context, BaseModel], Step]

HANDLERS: dict[str, tuple[type[BaseModel], Callable[..., Step]]] = {
    "resolve": (schemas.ResolveBody, _resolve),
    "escalate": (schemas.NoteBody, _escalate),
    "dispatch": (schemas.DispatchBody, _dispatch),
    "accept": (schemas.AcceptBody, _accept),
    "return": (schemas.ReasonBody, _return),
    "hold": (schemas.ReasonBody, _hold),
    "resume": (schemas.ReasonBody, _resume),
    "reply": (schemas.ReplyBody, _reply),
    "callback": (schemas.CallbackBody, _callback),
    "cancel": (schemas.ReasonBody, _cancel),
    "reopen": (schemas.ReasonBody, _reopen),
}


def _refused(
    ticket: Ticket, action: str, detail: str, *, allowed: list[str] | None = None
) -> Conflict:
    """A 409 for an action refused in the ticket's state, with the problem fields of CONTRACT §4
    (`allowed`: the table's actions from this status unless the rule leaves fewer)."""
    return Conflict(
        detail,
        extra={
            "from_status": ticket.status,
            "action": action,
            "allowed": allowed_actions(ticket.status) if allowed is None else allowed,
        },
    )


def _authorise(actor: Actor, ticket: Ticket, action: str, if_match: int | None) -> None:
    if not set(actor.roles) & roles_for(action):
        raise Forbidden(f"your role may not {action} tickets")
    if if_match is not None and if_match != ticket.version:
        raise PreconditionFailed(
            f"ticket changed since version {if_match}; it is now version {ticket.version}",
            extra={"current_version": ticket.version, "current_status": ticket.status},
        )
    if action not in allowed_actions(ticket.status):
        raise _refused(ticket, action, f"cannot {action} a ticket that is {ticket.status}")
    transition = transition_for(action, ticket.status, actor.roles)
    if transition is None:
        raise Forbidden(f"your role may not {action} a ticket that is {ticket.status}")
    own_station = actor.station is not None and actor.station == ticket.station
    if needs_own_station(transition, actor.roles) and not own_station:
        raise Forbidden(f"only staff of station {ticket.station} may {action} this ticket")


def perform(
    session: Session,
    actor: Actor,
    ticket_id: str,
    action: str,
    body: BaseModel,
    *,
    if_match: int | None,
    tz: ZoneInfo,
    clock: Clock = system_clock,
) -> Ticket:
    """Take `action` on the ticket; a refused action changes nothing."""
    ticket = load_ticket(session, actor, ticket_id, lock=True)
    _authorise(actor, ticket, action, if_match)
    return _apply(session, actor, ticket, action, body, clock)


def reply_on_behalf(
    session: Session, actor: Actor, ticket: Ticket, body: schemas.ReplyBody, *, clock: Clock
) -> Ticket:
    """Reply an open ticket that is not at a station's hands alone — a problem (问题单) fixed
    for all its tickets — from any open status before `replied`; its callback follows as usual.
    The caller (the problem's service) has checked who may; 409 from another status."""
    if ticket.status not in REPLIABLE_ON_BEHALF:
        raise _refused(ticket, "reply", f"cannot reply a ticket that is {ticket.status}")
    return _apply(session, actor, ticket, "reply", body, clock)


# Open statuses a problem's resolution replies from (replied tickets already have their answer).
REPLIABLE_ON_BEHALF = frozenset({"new", "expert", "dispatched", "in_progress", "pending"})


def _apply(
    session: Session, actor: Actor, ticket: Ticket, action: str, body: BaseModel, clock: Clock
) -> Ticket:
    """The effects of an authorised action: history, audit, deadlines, events, version + 1."""
    now = clock.now()
    # An action's lookups read reference data, never its own pending changes: no autoflush,
    # so the ticket, its history, audit entry and notices are written in one flush.
    with session.no_autoflush:
        record_missed(session, ticket, now)  # deadlines missed before this action count
        from_status = ticket.status
        step = HANDLERS[action][1](Context(session, actor, ticket, now), body)
        ticket.status = step.target
        ticket.version += 1
        ticket.updated_at = now
        refresh(ticket, now)
        history.append(session, history.Entry(
            ticket.id, now, actor.username, action, from_status, step.target,
            station=step.station or ticket.station, note=step.note, charged_to=step.charged_to,
        ))  # fmt: skip
        audit.record(
            session,
            actor,
            f"ticket.{action}",
            "ticket",
            ticket.id,
            f"{ticket.number} {from_status}→{step.target} {step.note}"[:500],
            clock=clock,
        )
    session.flush()
    _announce(Work.of(session), ticket, action, from_status, step, body, now)
    return ticket


def _announce(
    work: Work,
    ticket: Ticket,
    action: str,
    from_status: str,
    step: Step,
    body: BaseModel,
    now: datetime,
) -> None:
    """Raise the step's events for the domains that follow tickets (notices, hub, surveys)."""
    work.publish(
        TicketChanged(
            at=now, ticket=ticket, action=action, from_status=from_status, notice=step.notice
        )
    )
    if isinstance(body, schemas.CallbackBody):
        work.publish(
            CallbackRecorded(
                at=now,
                ticket=ticket,
                reached=body.reached,
                satisfaction=body.satisfaction,
                score=body.score,
            )
        )
    if ticket.status == "closed":
        work.publish(TicketClosed(at=now, ticket=ticket, action=action))
