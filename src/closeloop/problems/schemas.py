"""API shapes of problem management (CONTRACT §9): request bodies and answers."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, Field

from closeloop.kit.timefmt import IsoInstant, Timestamp
from closeloop.problems.area import cells_of
from closeloop.problems.choices import AlarmSeverity
from closeloop.problems.models import Alarm, Problem, ProblemEvent

Code = Annotated[str, Field(min_length=1, max_length=64)]
Place = Annotated[str, Field(min_length=1, max_length=32)]
TicketRef = Annotated[str | int, Field(union_mode="left_to_right")]


class AlarmIn(BaseModel):
    """A network alarm as monitoring raises (or clears) it; the same source and alarm_id again
    updates it."""

    source: Code
    alarm_id: Annotated[str, Field(min_length=1, max_length=128)]
    severity: AlarmSeverity
    raised_at: IsoInstant
    cleared_at: IsoInstant | None = None
    region: Place | None = None
    cell_ids: list[Place] = Field(default_factory=list, max_length=500)
    text: str = Field(min_length=1, max_length=2000)


class ProblemIn(BaseModel):
    """A problem opened by hand: what, which top-level category, where."""

    title: str = Field(min_length=1, max_length=200)
    category: Code
    region: Place | None = None
    cell_ids: list[Place] = Field(default_factory=list, max_length=500)
    station: Code | None = None
    expected_restore_at: IsoInstant | None = None
    ticket_ids: list[TicketRef] = Field(default_factory=list, max_length=5000)


class LinkIn(BaseModel):
    """Tickets to link to a problem."""

    ticket_ids: list[TicketRef] = Field(min_length=1, max_length=5000)


class NoteIn(BaseModel):
    """A workflow step's note."""

    note: str = Field(default="", max_length=2000)


class ResolveIn(BaseModel):
    """The cause found and the fix, sent to every linked open ticket."""

    cause_code: str = Field(min_length=1, max_length=96)
    resolution: str = Field(min_length=1, max_length=2000)


class AnnounceIn(BaseModel):
    """What customers of the whole area are told the fault is (care's outage notice)."""

    description: str = Field(default="", max_length=200)


class AlarmOut(BaseModel):
    """An alarm as stored."""

    id: str
    source: str
    alarm_id: str
    severity: str
    raised_at: Timestamp
    cleared_at: Timestamp | None
    region: str | None
    cell_ids: list[str]
    text: str
    problem_id: str | None

    @classmethod
    def of(cls, alarm: Alarm) -> AlarmOut:
        """The API shape of an alarm."""
        return cls(
            id=str(alarm.id), source=alarm.source, alarm_id=alarm.alarm_id,
            severity=alarm.severity, raised_at=alarm.raised_at, cleared_at=alarm.cleared_at,
            region=alarm.region, cell_ids=cells_of(alarm.cell_ids), text=alarm.text,
            problem_id=str(alarm.problem_id) if alarm.problem_id is not None else None,
        )  # fmt: skip


class EventOut(BaseModel):
    """One step of a problem's timeline."""

    at: Timestamp
    actor: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str

    @classmethod
    def of(cls, e: ProblemEvent) -> EventOut:
        """The API shape of a timeline step."""
        return cls(at=e.at, actor=e.actor, action=e.action, from_status=e.from_status,
                   to_status=e.to_status, note=e.note)  # fmt: skip


class ProblemOut(BaseModel):
    """A problem as CONTRACT §9 lists it, with its owner station and restoration time.

    `alarm_ids` are the monitoring systems' alarm ids (as sent in `alarm_id`)."""

    id: str
    number: str
    status: str
    source: str
    title: str
    category: str
    region: str | None
    cell_ids: list[str]
    ticket_ids: list[str]
    alarm_ids: list[str]
    detected_at: Timestamp
    cause_code: str | None
    resolution: str | None
    station: str | None
    expected_restore_at: Timestamp | None
    resolved_at: Timestamp | None
    evidence: str

    @classmethod
    def of(cls, p: Problem, ticket_ids: list[int], alarms: list[Alarm]) -> ProblemOut:
        """The API shape of a problem with its linked tickets and alarms."""
        return cls(
            id=str(p.id), number=p.number or "", status=p.status, source=p.source,
            title=p.title, category=p.category, region=p.region, cell_ids=cells_of(p.cell_ids),
            ticket_ids=[str(i) for i in ticket_ids], alarm_ids=[a.alarm_id for a in alarms],
            detected_at=p.detected_at, cause_code=p.cause_code, resolution=p.resolution,
            station=p.station, expected_restore_at=p.expected_restore_at,
            resolved_at=p.resolved_at, evidence=p.evidence,
        )  # fmt: skip


class ProblemDetail(ProblemOut):
    """One problem with its alarms and timeline."""

    alarms: list[AlarmOut]
    timeline: list[EventOut]


class ProblemPage(BaseModel):
    """A page of problems."""

    items: list[ProblemOut]
    next_cursor: str | None


class AlarmPage(BaseModel):
    """A page of alarms."""

    items: list[AlarmOut]


class FeedbackOut(BaseModel):
    """Feedback to the network: causes and MTTR, recurring cells, the DT/CQT proposals."""

    causes: list[dict[str, Any]]
    recurring_cells: list[dict[str, Any]]
    proposals: list[dict[str, Any]]
