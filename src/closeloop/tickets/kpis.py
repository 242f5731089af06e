"""Supervisor KPIs (运营指标) as set-based SQL aggregates, one function per figure.

Every figure is a single aggregate query (no rows loaded into Python), the same on SQLite and
PostgreSQL. Times are stored in UTC; "today" is the local day in the site's time zone and
"this week" the seven local days ending today (today and the six before), so a Monday morning
still has a week of data to review.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session, aliased

from closeloop.customers.models import Contact
from closeloop.organisation.models import Category
from closeloop.tickets.models import Ticket, TicketEvent
from closeloop.tickets.workflow import OPEN_STATUSES, STATION_STATUSES

WEEK_DAYS = 7


@dataclass(frozen=True)
class Window:
    """A span of time [start, end) in UTC."""

    start: datetime
    end: datetime


@dataclass(frozen=True)
class Rate:
    """A share: how many of how many (None when there is nothing to count)."""

    count: int
    total: int

    @property
    def percent(self) -> float | None:
        """The share in per cent, one decimal."""
        return round(100.0 * self.count / self.total, 1) if self.total else None


@dataclass(frozen=True)
class StationLoad:
    """Open tickets at one station past their deadline, and pre-warned ones not yet past it."""

    station: str | None  # None: not at a station (front line, expert seat, callback)
    overdue: int
    prewarned: int


@dataclass(frozen=True)
class CategoryCount:
    """How many tickets a category had."""

    code: str
    name: str
    count: int


@dataclass(frozen=True)
class Hotspot:
    """A region (and cell, when known) with open fault tickets."""

    region: str
    cell_id: str | None
    count: int


def today(now: datetime, tz: ZoneInfo) -> Window:
    """The local day of `now`, up to `now`."""
    start = datetime.combine(now.astimezone(tz).date(), time(), tz)
    return Window(start.astimezone(UTC), now)


def this_week(now: datetime, tz: ZoneInfo) -> Window:
    """The seven local days ending today, up to `now`."""
    day = now.astimezone(tz).date() - timedelta(days=WEEK_DAYS - 1)
    return Window(datetime.combine(day, time(), tz).astimezone(UTC), now)


def _live() -> ColumnElement[bool]:
    return Ticket.deleted_at.is_(None)


def _created_in(window: Window) -> ColumnElement[bool]:
    return and_(_live(), Ticket.created_at >= window.start, Ticket.created_at < window.end)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def contacts_by_channel(session: Session, window: Window) -> dict[str, int]:
    """Customer contacts (接触) recorded in the window, by channel."""
    rows = session.execute(
        select(Contact.channel, func.count())
        .where(Contact.at >= window.start, Contact.at < window.end)
        .group_by(Contact.channel)
    )
    return {channel: int(count) for channel, count in rows}


def tickets_by_status(session: Session, window: Window) -> dict[str, int]:
    """Tickets opened in the window, by the status they are in now."""
    rows = session.execute(
        select(Ticket.status, func.count()).where(_created_in(window)).group_by(Ticket.status)
    )
    return {status: int(count) for status, count in rows}


def open_by_status(session: Session) -> dict[str, int]:
    """Every open ticket (the backlog), by status."""
    rows = session.execute(
        select(Ticket.status, func.count())
        .where(_live(), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.status)
    )
    return {status: int(count) for status, count in rows}


def overdue_by_station(session: Session, now: datetime) -> list[StationLoad]:
    """Per station: open tickets past their current deadline, and pre-warned ones not yet past.

    Pre-warned means the station was warned that its work deadline is near (预警) and the
    ticket is still at the station (dispatched, in progress or pending).
    """
    overdue = Ticket.due_at < now
    prewarned = and_(
        Ticket.prewarned.is_(True),
        Ticket.status.in_(STATION_STATUSES),
        (Ticket.due_at.is_(None)) | (Ticket.due_at >= now),
    )
    rows = session.execute(
        select(Ticket.station, _count_if(overdue), _count_if(prewarned))
        .where(_live(), Ticket.status.in_(OPEN_STATUSES))
        .group_by(Ticket.station)
        .having(_count_if(overdue) + _count_if(prewarned) > 0)
        .order_by(Ticket.station)
    )
    return [StationLoad(station, int(late), int(warned)) for station, late, warned in rows]


def preprocessing_rate(session: Session, window: Window) -> Rate:
    """Pre-processing rate (预处理率): tickets closed by the front line or the expert seat
    without ever being dispatched, among the tickets opened in the window (not cancelled).

    `dispatched_at` is set on the first dispatch and never cleared, so a ticket that went to a
    station and came back (returned, reopened) does not count as pre-processed.
    """
    done = and_(Ticket.status == "closed", Ticket.dispatched_at.is_(None))
    count, total = session.execute(
        select(_count_if(done), func.count()).where(
            _created_in(window), Ticket.status != "cancelled"
        )
    ).one()
    return Rate(int(count), int(total))


def first_contact_resolution(session: Session, window: Window) -> Rate:
    """First-contact resolution (一次解决率): tickets the front line closed on the first contact
    (new → closed) and that were never reopened, among the tickets opened in the window
    (not cancelled)."""
    solved = and_(Ticket.first_contact_resolved.is_(True), Ticket.reopen_count == 0)
    count, total = session.execute(
        select(_count_if(solved), func.count()).where(
            _created_in(window), Ticket.status != "cancelled"
        )
    ).one()
    return Rate(int(count), int(total))


def callback_outcomes(session: Session, window: Window) -> dict[str, int]:
    """Callbacks (回访) made in the window: satisfied (incl. basically satisfied, the ticket
    closed), unsatisfied (reopened to the expert seat) and not reached (still replied)."""
    outcome = case(
        (TicketEvent.to_status == "closed", "satisfied"),
        (TicketEvent.to_status == "replied", "not_reached"),
        else_="unsatisfied",
    )
    rows = session.execute(
        select(outcome, func.count())
        .where(
            TicketEvent.action == "callback",
            TicketEvent.at >= window.start,
            TicketEvent.at < window.end,
        )
        .group_by(outcome)
    )
    counts = {"satisfied": 0, "unsatisfied": 0, "not_reached": 0}
    counts.update({name: int(count) for name, count in rows})
    return counts


def callback_satisfaction(outcomes: dict[str, int]) -> Rate:
    """Callback satisfaction from `callback_outcomes`: satisfied and basically satisfied among
    the callbacks that reached the customer."""
    return Rate(outcomes["satisfied"], outcomes["satisfied"] + outcomes["unsatisfied"])


def top_categories(session: Session, window: Window, limit: int = 10) -> list[CategoryCount]:
    """The second-level categories (故障现象二级分类, e.g. signal/indoor) with the most tickets
    opened in the window, most first (for the weekly Pareto of top problems)."""
    leaf, group = aliased(Category), aliased(Category)
    group_code = func.coalesce(leaf.parent, leaf.code)
    count = func.count(Ticket.id)
    rows = session.execute(
        select(group.code, group.name, count)
        .select_from(Ticket)
        .join(leaf, leaf.code == Ticket.category)
        .join(group, group.code == group_code)
        .where(_created_in(window))
        .group_by(group.code, group.name)
        .order_by(count.desc(), group.code)
        .limit(limit)
    )
    return [CategoryCount(code, name, int(n)) for code, name, n in rows]


def tickets_opened(session: Session, window: Window) -> int:
    """How many tickets were opened in the window (all statuses)."""
    return session.scalar(select(func.count()).select_from(Ticket).where(_created_in(window))) or 0


def _open_faults() -> ColumnElement[bool]:
    return and_(_live(), Ticket.type == "fault", Ticket.status.in_(OPEN_STATUSES))


def hotspot_regions(session: Session, limit: int = 5) -> list[Hotspot]:
    """The regions with the most open fault tickets (热点区域)."""
    count = func.count()
    rows = session.execute(
        select(Ticket.region, count)
        .where(_open_faults(), Ticket.region.is_not(None))
        .group_by(Ticket.region)
        .order_by(count.desc(), Ticket.region)
        .limit(limit)
    )
    return [Hotspot(region or "", None, int(n)) for region, n in rows]


def hotspot_cells(session: Session, limit: int = 5) -> list[Hotspot]:
    """The cells (基站小区) with the most open fault tickets."""
    count = func.count()
    rows = session.execute(
        select(Ticket.region, Ticket.cell_id, count)
        .where(_open_faults(), Ticket.cell_id.is_not(None))
        .group_by(Ticket.region, Ticket.cell_id)
        .order_by(count.desc(), Ticket.cell_id)
        .limit(limit)
    )
    return [Hotspot(region or "", cell, int(n)) for region, cell, n in rows]
