"""The recorded events behind each KPI (指标口径), as set-based SQL: one SELECT per KPI giving
one row per counted event with its time, the groups it belongs to, and what it adds to the
numerator and the denominator. Values sum these rows; rollups are built from the same rows.

Every code counts events in [start, end) by the time of the event named in its definition
(`catalogue.py`). Deleted tickets are not counted (no history of them is shown any more).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    null,
    or_,
    select,
)
from sqlalchemy.orm import aliased

from closeloop.customers.models import Contact, Customer
from closeloop.knowledge.models import ChatSession
from closeloop.tickets.models import Breach, Ticket, TicketEvent
from closeloop.tickets.workflow import ACTIONS

# One row per counted event: at, station, region, channel, category, agent, num, den, and
# the ticket it is about (for the drill-down from a number to its tickets).
Facts = Select[*tuple[Any, ...]]
COLUMNS = ("at", "station", "region", "channel", "category", "agent", "num", "den", "ticket")
CLOSED, EXPERT = "closed", "expert"
BACK_FROM = ("replied", "closed")


@dataclass(frozen=True)
class Scope:
    """Which events: those in [start, end), or — to keep rollups — some history entries
    (`event_ids`) or some tickets' creations (`ticket_ids`) whatever their time."""

    start: datetime | None = None
    end: datetime | None = None
    event_ids: tuple[int, ...] | None = None
    ticket_ids: tuple[int, ...] | None = None
    dialect: str = "sqlite"

    @property
    def whole(self) -> bool:
        """Every event of the period, not only some entries' or creations'."""
        return self.event_ids is None and self.ticket_ids is None

    def when(self, column: Any) -> list[ColumnElement[bool]]:
        """The conditions on an event's time."""
        found: list[ColumnElement[bool]] = []
        if self.start is not None:
            found.append(column >= self.start)
        if self.end is not None:
            found.append(column < self.end)
        return found


def seconds_between(start: Any, end: Any, dialect: str) -> ColumnElement[float]:
    """`end − start` in seconds, in SQL (julianday on SQLite, epoch on PostgreSQL)."""
    if dialect == "postgresql":
        return func.extract("epoch", end - start)  # type: ignore[return-value]
    return (func.julianday(end) - func.julianday(start)) * 86400.0


def _event_scope(scope: Scope, e: type[TicketEvent]) -> list[ColumnElement[bool]]:
    found = scope.when(e.at)
    if scope.event_ids is not None:
        found.append(e.id.in_(scope.event_ids))
    if scope.ticket_ids is not None:
        found.append(e.id.is_(None))  # a ticket's creation has no history-entry rows here
    return found


def _creation_scope(scope: Scope) -> list[ColumnElement[bool]]:
    found = scope.when(Ticket.created_at)
    if scope.ticket_ids is not None:
        found.append(Ticket.id.in_(scope.ticket_ids))
    if scope.event_ids is not None:
        found.append(Ticket.id.is_(None))  # a history entry adds no creation rows
    return found


def _is_close(e: type[TicketEvent]) -> ColumnElement[bool]:
    return and_(e.to_status == CLOSED, e.action.in_(ACTIONS))


def _is_back(e: type[TicketEvent]) -> ColumnElement[bool]:
    return and_(e.to_status == EXPERT, e.from_status.in_(BACK_FROM), e.action.in_(ACTIONS))


def _ticket_groups(station: Any, agent: Any) -> list[Any]:
    return [
        station.label("station"),
        Ticket.region.label("region"),
        Ticket.channel.label("channel"),
        Ticket.category.label("category"),
        agent.label("agent"),
    ]


def _events(
    scope: Scope,
    condition: ColumnElement[bool],
    num: ColumnElement[float],
    den: ColumnElement[float],
) -> Facts:
    """Rows of the ticket events meeting `condition`, grouped by the event's station and actor."""
    e = TicketEvent
    return (
        select(
            e.at.label("at"),
            *_ticket_groups(e.station, e.actor),
            num.label("num"),
            den.label("den"),
            Ticket.id.label("ticket"),
        )
        .select_from(e)
        .join(Ticket, Ticket.id == e.ticket_id)
        .where(Ticket.deleted_at.is_(None), condition, *_event_scope(scope, e))
    )


def _created(
    scope: Scope, num: ColumnElement[float], den: ColumnElement[float], *where: ColumnElement[bool]
) -> Facts:
    """Rows of the tickets created, at their creation, by their creator."""
    return select(
        Ticket.created_at.label("at"),
        *_ticket_groups(null(), Ticket.created_by),
        num.label("num"),
        den.label("den"),
        Ticket.id.label("ticket"),
    ).where(Ticket.deleted_at.is_(None), *where, *_creation_scope(scope))


def _one(condition: ColumnElement[bool]) -> ColumnElement[float]:
    return case((condition, 1.0), else_=0.0)


def _prior() -> type[TicketEvent]:
    return aliased(TicketEvent)


def fcr(scope: Scope) -> Facts:
    """Tickets created whose first action was `resolve` from `new` ÷ tickets created (leaving
    `new` happens once, so a resolve from `new` is the first action)."""
    p = _prior()
    resolved = exists().where(
        p.ticket_id == Ticket.id, p.action == "resolve", p.from_status == "new"
    )
    return _created(scope, _one(resolved), literal(1.0))


def preprocessing_rate(scope: Scope) -> Facts:
    """Close events of tickets never dispatched before that close ÷ close events."""
    e, p = TicketEvent, _prior()
    dispatched = exists().where(p.ticket_id == e.ticket_id, p.id < e.id, p.action == "dispatch")
    return _events(scope, _is_close(e), _one(~dispatched), literal(1.0))


def misroute_rate(scope: Scope) -> Facts:
    """`return` actions ÷ `dispatch` actions (a return counts for the station it left)."""
    e = TicketEvent
    return _events(
        scope,
        e.action.in_(("return", "dispatch")),
        _one(e.action == "return"),
        _one(e.action == "dispatch"),
    )


def reopen_rate(scope: Scope) -> Facts:
    """Moves from `replied` or `closed` back to `expert` ÷ close events."""
    e = TicketEvent
    return _events(scope, or_(_is_back(e), _is_close(e)), _one(_is_back(e)), _one(_is_close(e)))


def callback_satisfaction(scope: Scope) -> Facts:
    """Reached callbacks satisfied or basically satisfied (the ticket closed) ÷ reached ones."""
    e = TicketEvent
    reached = and_(e.action == "callback", e.to_status != "replied")
    return _events(scope, reached, _one(e.to_status == CLOSED), literal(1.0))


def complaints_per_10k(scope: Scope) -> Facts:
    """Complaint tickets created × 10,000; the denominator (customers at `to`) is added by the
    caller, per region when grouped by region."""
    return _created(scope, literal(10000.0), literal(0.0), Ticket.type == "complaint")


def _stay(e: type[TicketEvent]) -> tuple[Any, Any]:
    """The station and start of the stay an event ends: the latest dispatch before it."""
    p = _prior()
    latest = (
        select(p.id).where(p.ticket_id == e.ticket_id, p.id < e.id, p.action == "dispatch")
        .order_by(p.id.desc()).limit(1).correlate(e).scalar_subquery()
    )  # fmt: skip
    d = _prior()
    station = select(d.station).where(d.id == latest).scalar_subquery()
    began = select(d.at).where(d.id == latest).scalar_subquery()
    return station, began


def _ends_stay(e: type[TicketEvent]) -> ColumnElement[bool]:
    return or_(
        e.action.in_(("reply", "return")),
        and_(e.action == "dispatch", e.from_status == "in_progress"),
    )


def sla_attainment(scope: Scope) -> Facts:
    """Station stages finished (a stay at a station ended by reply, return or re-dispatch)
    within their time limit — no missed `work` deadline recorded for that stay — ÷ station
    stages finished; counted for the station of the stay."""
    e = TicketEvent
    station, began = _stay(e)
    late = exists().where(
        Breach.ticket_id == e.ticket_id,
        Breach.stage == "work",
        Breach.station == station,
        Breach.due_at > began,
        Breach.detected_at <= e.at,
    )
    return (
        select(
            e.at.label("at"),
            *_ticket_groups(station, e.actor),
            _one(~late).label("num"),
            literal(1.0).label("den"),
            Ticket.id.label("ticket"),
        )
        .select_from(e)
        .join(Ticket, Ticket.id == e.ticket_id)
        .where(Ticket.deleted_at.is_(None), _ends_stay(e), *_event_scope(scope, e))
    )


def avg_resolution_hours(scope: Scope) -> Facts:
    """Mean over close events of the hours from the ticket's creation to that close."""
    e = TicketEvent
    hours = seconds_between(Ticket.created_at, e.at, scope.dialect) / 3600.0
    return _events(scope, _is_close(e), hours, literal(1.0))


def aht(scope: Scope) -> Facts:
    """Mean handling time in seconds of the contacts that ended, at their end."""
    c = Contact
    return (
        select(
            c.ended_at.label("at"),
            null().label("station"),
            Customer.region.label("region"),
            c.channel.label("channel"),
            null().label("category"),
            c.agent.label("agent"),
            func.coalesce(c.duration_seconds, 0).label("num"),
            literal(1.0).label("den"),
            null().label("ticket"),
        )
        .join(Customer, Customer.id == c.customer_id)
        .where(c.ended_at.is_not(None), *scope.when(c.ended_at))
        .where(literal(scope.whole))
    )


def asa(scope: Scope) -> Facts:
    """Mean minutes from creation to the first action, over tickets created that had one."""
    p = _prior()
    first = (
        select(func.min(p.at)).where(p.ticket_id == Ticket.id, p.action.in_(ACTIONS))
        .correlate(Ticket).scalar_subquery()
    )  # fmt: skip
    minutes = func.coalesce(seconds_between(Ticket.created_at, first, scope.dialect) / 60.0, 0.0)
    return _created(scope, minutes, _one(first.is_not(None)))


def resolution_rate(scope: Scope) -> Facts:
    """Tickets created that have been closed at least once ÷ tickets created."""
    p = _prior()
    closed = exists().where(p.ticket_id == Ticket.id, _is_close(p))
    return _created(scope, _one(closed), literal(1.0))


def one_time_satisfaction(scope: Scope) -> Facts:
    """Close events of tickets never moved back to `expert` before that close ÷ close events."""
    e, p = TicketEvent, _prior()
    back = exists().where(p.ticket_id == e.ticket_id, p.id < e.id, _is_back(p))
    return _events(scope, _is_close(e), _one(~back), literal(1.0))


def overtime_rate(scope: Scope) -> Facts:
    """Close events of tickets with a missed deadline recorded by then ÷ close events."""
    e = TicketEvent
    late = exists().where(Breach.ticket_id == e.ticket_id, Breach.detected_at <= e.at)
    return _events(scope, _is_close(e), _one(late), literal(1.0))


def bot_containment(scope: Scope) -> Facts:
    """Self-service conversations not handed over ÷ conversations started."""
    s = ChatSession
    return select(
        s.created_at.label("at"),
        null().label("station"),
        null().label("region"),
        literal("online").label("channel"),
        null().label("category"),
        null().label("agent"),
        _one(s.handed_over.is_(False)).label("num"),
        literal(1.0).label("den"),
        null().label("ticket"),
    ).where(*scope.when(s.created_at), literal(scope.whole))


FACTS = {
    "fcr": fcr,
    "preprocessing_rate": preprocessing_rate,
    "misroute_rate": misroute_rate,
    "reopen_rate": reopen_rate,
    "callback_satisfaction": callback_satisfaction,
    "complaints_per_10k": complaints_per_10k,
    "sla_attainment": sla_attainment,
    "avg_resolution_hours": avg_resolution_hours,
    "aht": aht,
    "asa": asa,
    "resolution_rate": resolution_rate,
    "one_time_satisfaction": one_time_satisfaction,
    "overtime_rate": overtime_rate,
    "bot_containment": bot_containment,
}
# Facts of a ticket's creation: kept in rollups at the creation, changed by later events.
CREATION_FACTS = ("fcr", "complaints_per_10k", "asa", "resolution_rate")
# Facts of ticket history entries: each entry's rows are final when it is written.
# Facts of contacts and self-service conversations: kept from the customers' and the bot's
# events (contact ended; conversation started, handed over with a ticket).
CONTACT_FACTS = ("aht", "bot_containment")
EVENT_FACTS = (
    "preprocessing_rate",
    "misroute_rate",
    "reopen_rate",
    "callback_satisfaction",
    "sla_attainment",
    "avg_resolution_hours",
    "one_time_satisfaction",
    "overtime_rate",
)
