"""What the ticket page shows (工单详情): the ticket, its timeline with breaches, names for
its codes, and the choices its action forms need — a few queries, none per history entry."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import User
from closeloop.console import pickers
from closeloop.console.labels import ACTIONS, N_
from closeloop.kit.actor import Actor
from closeloop.organisation.models import Category, Cause
from closeloop.tickets import history, service
from closeloop.tickets.models import Ticket
from closeloop.tickets.schemas import HistoryOut, TicketOut

EVENTS: dict[str, str] = {
    **ACTIONS,
    "create": N_("Ticket opened"),
    "note": N_("Note"),
    "mail_in": N_("Mail from the customer"),
    "mail_out": N_("Answered by mail"),
}

# The deadline the ticket runs against in each status (its queue's `due_at`).
STAGES: dict[str, str] = {
    "new": N_("Resolution promised by"),
    "expert": N_("Resolution promised by"),
    "dispatched": N_("Station to accept by"),
    "in_progress": N_("Station to reply by"),
    "replied": N_("Callback due by"),
}

BREACH_STAGES: dict[str, str] = {
    "accept": N_("Acceptance deadline missed"),
    "work": N_("Station time limit missed"),
    "callback": N_("Callback deadline missed"),
    "resolution": N_("Resolution promise missed"),
}


@dataclass(frozen=True)
class TimelineEntry:
    """One line of the ticket's timeline: an action taken, or a deadline missed."""

    at: datetime
    kind: str  # "event" or "breach"
    label: str  # message id of the action or of the missed stage
    actor: str = ""
    from_status: str | None = None
    to_status: str | None = None
    station: str | None = None  # the station's name
    note: str = ""
    due_at: datetime | None = None
    channel: str | None = None  # the opening entry's channel code, shown by its name


@dataclass(frozen=True)
class ActionChoices:
    """What the action forms offer: stations, leaf causes, the category's usual station."""

    stations: list[pickers.Choice] = field(default_factory=list)
    causes: list[pickers.ChoiceGroup] = field(default_factory=list)
    usual_station: str | None = None


@dataclass(frozen=True)
class TicketView:
    """Everything the ticket page shows about the ticket itself."""

    ticket: TicketOut
    customer_id: int
    category: list[str]  # names from the top level down
    cause: list[str]
    station: str | None
    assignee: str | None  # the display name of who accepted it
    stage: str | None
    work_left_minutes: int | None  # the station's stopped clock while pending
    first_contact_resolved: bool
    timeline: list[TimelineEntry]
    choices: ActionChoices

    @property
    def actions(self) -> list[str]:
        """The actions this user may take now."""
        return self.ticket.allowed_actions

    def since(self, seen: int) -> list[TimelineEntry]:
        """The actions recorded after the first `seen` ones (what changed under a form)."""
        events = [e for e in self.timeline if e.kind == "event"]
        return events[seen:] if 0 <= seen <= len(events) else events[-3:]

    @property
    def event_count(self) -> int:
        """How many actions the history holds (forms send it back as `seen`)."""
        return sum(1 for e in self.timeline if e.kind == "event")


def _event_entry(
    event: HistoryOut, channel: str, stations: dict[str, str], people: dict[str, str]
) -> TimelineEntry:
    """An action taken, names for codes; the opening entry's note split into channel and title."""
    title = history.opening_title(event.note, channel) if event.action == "create" else None
    return TimelineEntry(
        at=event.at,
        kind="event",
        label=EVENTS.get(event.action, event.action),
        actor=people.get(event.actor, event.actor),
        from_status=event.from_status,
        to_status=event.to_status,
        station=stations.get(event.station, event.station) if event.station else None,
        note=event.note if title is None else title,
        channel=None if title is None else channel,
    )


def ticket_view(
    session: Session, actor: Actor, ticket_id: str, now: datetime, language: str = "zh-CN"
) -> TicketView:
    """The ticket as this user may see it (404 when they may not)."""
    ticket = service.load_ticket(session, actor, ticket_id)
    shown = service.show(session, ticket, actor, now)
    stations = pickers.station_names(session, language)
    people = _display_names(session, {h.actor for h in shown.history} | {ticket.assignee or ""})
    timeline = [_event_entry(h, ticket.channel, stations, people) for h in shown.history]
    timeline += [
        TimelineEntry(
            at=b.detected_at,
            kind="breach",
            label=BREACH_STAGES.get(b.stage, b.stage),
            station=stations.get(b.station, b.station) if b.station else None,
            due_at=b.due_at,
        )
        for b in shown.breaches
    ]
    timeline.sort(key=lambda e: e.at)  # stable: same-instant entries keep their order
    return TicketView(
        ticket=shown,
        customer_id=ticket.customer_id,
        category=pickers.names_along(session, Category, ticket.category, language),
        cause=pickers.names_along(session, Cause, ticket.cause_code, language),
        station=stations.get(ticket.station, ticket.station) if ticket.station else None,
        assignee=people.get(ticket.assignee, ticket.assignee) if ticket.assignee else None,
        stage=STAGES.get(ticket.status) if ticket.due_at else None,
        work_left_minutes=ticket.work_remaining_minutes if ticket.status == "pending" else None,
        first_contact_resolved=ticket.first_contact_resolved,
        timeline=timeline,
        choices=_choices(session, ticket, shown.allowed_actions, language),
    )


def _display_names(session: Session, usernames: set[str]) -> dict[str, str]:
    if not usernames:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(usernames))
    )
    return {username: name or username for username, name in rows}


def _choices(session: Session, ticket: Ticket, actions: list[str], language: str) -> ActionChoices:
    needs_cause = "resolve" in actions or "reply" in actions
    if "dispatch" not in actions and not needs_cause:
        return ActionChoices()
    return ActionChoices(
        stations=pickers.station_choices(session, retired=False, language=language),
        causes=pickers.leaf_groups(session, Cause, language) if needs_cause else [],
        usual_station=pickers.category_station(session, ticket.category),
    )


def possible_duplicate(session: Session, ticket_id: int) -> Ticket | None:
    """An earlier open ticket of the same customer in the same category."""
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        return None
    return service.find_duplicate(session, ticket.customer_id, ticket.category, before_id=ticket.id)
