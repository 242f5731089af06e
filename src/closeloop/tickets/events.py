"""The ticket domain's events (工单事件), raised inside the transaction that made the change.

Other domains subscribe through their manifest entry: care sends progress and deadline
notices, the TM Forum façade writes hub events; `tickets` imports none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from closeloop.runtime.events import DomainEvent
from closeloop.tickets.models import Ticket


@dataclass(frozen=True, kw_only=True)
class TicketChanged(DomainEvent):
    """A ticket was opened (`action` "create") or moved by an action; `ticket` is as after it."""

    ticket: Ticket
    action: str
    from_status: str | None
    # the progress notice the customer is due for this step (dispatch, accept, reply, close)
    notice: str | None = None


@dataclass(frozen=True, kw_only=True)
class TicketClosed(DomainEvent):
    """A ticket reached `closed` (办结): resolved on first contact or confirmed by callback."""

    ticket: Ticket
    action: str


@dataclass(frozen=True, kw_only=True)
class CallbackRecorded(DomainEvent):
    """The callback seat recorded the customer's verdict on a replied ticket (回访)."""

    ticket: Ticket
    reached: bool
    satisfaction: str | None
    score: int | None


@dataclass(frozen=True, kw_only=True)
class DeadlineNearing(DomainEvent):
    """80 % of the station's time limit has passed (超时预警); `due` is the work deadline."""

    ticket: Ticket
    due: datetime


@dataclass(frozen=True, kw_only=True)
class DeadlineMissed(DomainEvent):
    """A deadline passed unmet (超时), recorded once; `charged_to` is the station charged."""

    ticket: Ticket
    stage: str
    due: datetime
    charged_to: str | None


@dataclass(frozen=True, kw_only=True)
class AppointmentSet(DomainEvent):
    """The station set or moved the technician's visit window (上门预约) of an accepted ticket;
    `ticket` carries the window. Set on accept, the accept notice tells it instead."""

    ticket: Ticket
