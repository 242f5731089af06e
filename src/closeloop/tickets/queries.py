"""Ticket lists: filters, visibility, deadline order, keyset cursors, Chinese text search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select
from sqlalchemy.orm import Session

from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput
from closeloop.kit.ids import parse_id
from closeloop.kit.pagination import decode_cursor, encode_cursor
from closeloop.kit.segment import search_terms
from closeloop.organisation.models import Category
from closeloop.organisation.service import subtree
from closeloop.tickets.models import Ticket
from closeloop.tickets.service import visibility
from closeloop.tickets.workflow import OPEN_STATUSES, STATUSES


@dataclass(frozen=True)
class TicketFilter:
    """What a list asks for."""

    status: tuple[str, ...] = ()
    station: str | None = None
    overdue: bool | None = None
    customer_id: str | None = None
    category: str | None = None
    severity: str | None = None
    assignee: str | None = None
    created_by: str | None = None
    q: str | None = None


Conditions = list[ColumnElement[bool]]


def _by_status(f: TicketFilter, _now: datetime) -> Conditions:
    return [Ticket.status.in_(f.status)] if f.status else []


def _by_station(f: TicketFilter, _now: datetime) -> Conditions:
    return [Ticket.station == f.station] if f.station else []


def _by_overdue(f: TicketFilter, now: datetime) -> Conditions:
    if f.overdue is True:
        return [Ticket.due_at.is_not(None), Ticket.due_at < now]
    if f.overdue is False:
        return [or_(Ticket.due_at.is_(None), Ticket.due_at >= now)]
    return []


def _by_customer(f: TicketFilter, _now: datetime) -> Conditions:
    if not f.customer_id:
        return []
    if not (f.customer_id.isascii() and f.customer_id.isdigit()):
        raise InvalidInput.field(["query", "customer_id"], "not a customer id")
    customer = parse_id(f.customer_id)  # digits beyond any id: no such customer, no tickets
    return [Ticket.customer_id == customer] if customer is not None else [false()]


def _by_category(f: TicketFilter, _now: datetime) -> Conditions:
    """The category and those under it in the tree (a moved node keeps its code)."""
    if not f.category:
        return []
    return [Ticket.category.in_(subtree(Category, f.category))]


def _by_severity(f: TicketFilter, _now: datetime) -> Conditions:
    return [Ticket.severity == f.severity] if f.severity else []


def _by_assignee(f: TicketFilter, _now: datetime) -> Conditions:
    return [Ticket.assignee == f.assignee] if f.assignee else []


def _by_creator(f: TicketFilter, _now: datetime) -> Conditions:
    return [Ticket.created_by == f.created_by] if f.created_by else []


def _by_text(f: TicketFilter, _now: datetime) -> Conditions:
    """Every search term (the first 8) in the title or the description."""
    if not f.q:
        return []
    return [
        or_(
            Ticket.title.contains(term, autoescape=True),
            Ticket.description.contains(term, autoescape=True),
        )
        for term in search_terms(f.q)[:8]
    ]


# Each filter of a list and the conditions it adds, in the order they are applied.
_FILTERS: tuple[Callable[[TicketFilter, datetime], Conditions], ...] = (
    _by_status,
    _by_station,
    _by_overdue,
    _by_customer,
    _by_category,
    _by_severity,
    _by_assignee,
    _by_creator,
    _by_text,
)


def _where(query: Select[tuple[Ticket]], f: TicketFilter, now: datetime) -> Select[tuple[Ticket]]:
    unknown = [s for s in f.status if s not in STATUSES]
    if unknown:
        raise InvalidInput.field(["query", "status"], f"unknown status {unknown[0]!r}")
    query = query.where(Ticket.deleted_at.is_(None))
    for conditions in _FILTERS:
        found = conditions(f, now)
        if found:
            query = query.where(*found)
    return query


def list_tickets(
    session: Session,
    actor: Actor,
    f: TicketFilter,
    now: datetime,
    *,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Ticket], str | None]:
    """A page of tickets the actor may see, soonest deadline first."""
    query = _where(select(Ticket), f, now)
    condition = visibility(actor)
    if condition is not None:
        query = query.where(condition)
    if cursor:
        key = decode_cursor(cursor)
        try:
            after_due, after_id = datetime.fromisoformat(key[0]), int(key[1])
        except (ValueError, IndexError, TypeError) as exc:
            raise InvalidInput.field(["query", "cursor"], "not a valid cursor") from exc
        query = query.where(
            or_(
                Ticket.sort_due_at > after_due,
                and_(Ticket.sort_due_at == after_due, Ticket.id > after_id),
            )
        )
    ordered = query.order_by(Ticket.sort_due_at, Ticket.id).limit(limit + 1)
    rows: list[Ticket] = list(session.scalars(ordered))
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = encode_cursor([last.sort_due_at.isoformat(), last.id])
    return page, next_cursor


def count_tickets(session: Session, actor: Actor, f: TicketFilter, now: datetime) -> int:
    """How many tickets the actor may see match the filter."""
    query = _where(select(func.count()).select_from(Ticket), f, now)  # type: ignore[arg-type]
    condition = visibility(actor)
    if condition is not None:
        query = query.where(condition)
    return int(session.scalar(query) or 0)


CLOSED_STATUSES = tuple(s for s in STATUSES if s not in OPEN_STATUSES)


def open_in_area(regions: list[str], cells: list[str]) -> Select[Any]:
    """Ids of the open tickets raised in any of the regions or at any of the cells."""
    area = [Ticket.region.in_(regions), Ticket.cell_id.in_(cells)]
    return select(Ticket.id).where(Ticket.status.not_in(CLOSED_STATUSES), or_(*area))


def customers_with_open_tickets_at(cells: list[str]) -> Select[Any]:
    """Ids of the customers with an open ticket at any of the cells."""
    return select(Ticket.customer_id).where(
        Ticket.cell_id.in_(cells), Ticket.status.not_in(CLOSED_STATUSES)
    )
