"""API shapes for tickets and their actions (CONTRACT §4)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, StrictBool, model_validator

from closeloop.customers.schemas import Msisdn
from closeloop.kit.timefmt import IsoInstant, Timestamp
from closeloop.tickets.choices import Channel, Satisfaction, Severity, TicketType

__all__ = ["Channel", "Satisfaction", "Severity", "TicketType"]  # the allowed codes (choices)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Location(_Body):
    """Where the problem is."""

    region: str = Field(min_length=1, max_length=32)
    cell_id: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=200)


class TicketIn(_Body):
    """A new ticket for a customer given by id or number."""

    model_config = ConfigDict(
        json_schema_extra={
            "anyOf": [
                {
                    "required": ["customer_id"],
                    "properties": {"customer_id": {"type": "string", "minLength": 1}},
                },
                {"required": ["msisdn"], "properties": {"msisdn": {"type": "string"}}},
            ]
        }
    )

    customer_id: str | None = Field(default=None, min_length=1)
    msisdn: Msisdn | None = None
    channel: Channel
    type: TicketType
    category: str = Field(min_length=1, max_length=96)
    severity: Severity
    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=5000)
    location: Location | None = None

    @model_validator(mode="after")
    def _one_customer(self) -> TicketIn:
        if not self.customer_id and not self.msisdn:
            raise ValueError("give customer_id or msisdn")
        return self


class NoteBody(_Body):
    """escalate."""

    note: str = Field(default="", max_length=2000)


class ResolveBody(_Body):
    """resolve: closed at the front line or the expert seat."""

    resolution: str = Field(min_length=1, max_length=5000)
    cause_code: str | None = Field(default=None, max_length=96)


class DispatchBody(_Body):
    """dispatch: to a station."""

    station: str = Field(min_length=1, max_length=32)
    note: str = Field(default="", max_length=2000)


class EmptyBody(_Body):
    """accept: nothing to say."""


class AppointmentIn(_Body):
    """A technician's visit window (上门预约): local times with their offset."""

    start: IsoInstant
    end: IsoInstant


class AcceptBody(EmptyBody):
    """accept: nothing to say, or the technician's visit window at once."""

    appointment: AppointmentIn | None = None


class AppointmentOut(BaseModel):
    """The visit window a station set."""

    start: Timestamp
    end: Timestamp


class ReasonBody(_Body):
    """return, hold, resume, cancel, reopen: a reason is required."""

    reason: str = Field(min_length=1, max_length=2000)


class ReplyBody(_Body):
    """reply: the electronic reply with the cause (电子回单)."""

    cause_code: str = Field(min_length=1, max_length=96)
    resolution: str = Field(min_length=1, max_length=5000)


class CallbackBody(_Body):
    """callback (回访): whether the customer was reached and how satisfied they are."""

    reached: StrictBool
    satisfaction: Satisfaction | None = None
    score: int | None = Field(default=None, ge=1, le=5)
    comment: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _satisfaction_when_reached(self) -> CallbackBody:
        if self.reached and self.satisfaction is None:
            raise ValueError("satisfaction is required when the customer was reached")
        return self


class HistoryOut(BaseModel):
    """One entry of a ticket's history."""

    at: Timestamp
    actor: str
    action: str
    from_status: str | None
    to_status: str
    station: str | None
    note: str


class BreachOut(BaseModel):
    """A missed deadline."""

    stage: str
    station: str | None
    due_at: Timestamp
    detected_at: Timestamp


class LocationOut(BaseModel):
    """Where the problem is."""

    region: str | None
    cell_id: str | None
    address: str | None


class TicketOut(BaseModel):
    """A ticket as CONTRACT §4 shows it."""

    id: str
    number: str
    status: str
    version: int
    customer_id: str
    channel: str
    type: str
    category: str
    severity: str
    title: str
    description: str
    location: LocationOut | None
    station: str | None
    assignee: str | None
    due_at: Timestamp | None
    overdue: bool
    resolution_due_at: Timestamp
    cause_code: str | None
    resolution: str | None
    satisfaction: str | None
    score: int | None
    reopen_count: int
    return_count: int
    created_at: Timestamp
    updated_at: Timestamp
    closed_at: Timestamp | None
    allowed_actions: list[str]
    possible_duplicate_of: str | None = None
    appointment: AppointmentOut | None = None
    history: list[HistoryOut]
    breaches: list[BreachOut]


class TicketPage(BaseModel):
    """A page of tickets."""

    items: list[TicketOut]
    next_cursor: str | None
