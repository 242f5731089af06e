"""Read access to stations, calendars and taxonomies; loading a station's calendar; which
taxonomy codes new tickets and replies may use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Select, bindparam, exists, or_, select
from sqlalchemy.orm import Session, aliased

from closeloop.kit.durations import minutes_to_iso
from closeloop.kit.errors import NotFound
from closeloop.kit.timefmt import iso
from closeloop.organisation.calendar import WEEKDAYS, Week, WorkCalendar
from closeloop.organisation.choices import SEVERITIES
from closeloop.organisation.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarHours,
    Category,
    Cause,
    Department,
    Station,
)

Taxonomy = type[Category] | type[Cause]
T = TypeVar("T", Category, Cause)


def list_stations(session: Session, *, retired: bool | None = None) -> list[Station]:
    """The stations by code: all, or only the retired (True) or the working ones (False)."""
    query = select(Station).order_by(Station.code)
    if retired is not None:
        query = query.where(
            Station.retired_at.is_not(None) if retired else Station.retired_at.is_(None)
        )
    return list(session.scalars(query))


def get_station(session: Session, code: str) -> Station:
    """One station, or 404."""
    station = session.get(Station, code)
    if station is None:
        raise NotFound(f"no station {code!r}")
    return station


def station_out(station: Station) -> dict[str, Any]:
    """A station as the API shows it, time limits as ISO 8601 durations; a retired station
    (撤销) stays listed with `retired: true`."""
    return {
        "code": station.code,
        "name": station.name,
        "name_en": station.name_en,
        "department": station.department_code,
        "calendar": station.calendar_code,
        "accept_within": minutes_to_iso(station.accept_minutes),
        "time_limits": {s: minutes_to_iso(station.limit_minutes(s)) for s in SEVERITIES.codes},
        "retired": station.retired_at is not None,
        "retired_at": iso(station.retired_at) if station.retired_at else None,
    }


def list_departments(session: Session) -> list[Department]:
    """Every department, by code."""
    return list(session.scalars(select(Department).order_by(Department.code)))


def list_nodes(
    session: Session, model: type[T], level: int | None = None, *, retired: bool = False
) -> list[T]:
    """A taxonomy's nodes in code order, optionally one level; retired nodes only when asked
    (a retired node's descendants are retired too, so the active tree stays whole)."""
    query = select(model).order_by(model.code)
    if level is not None:
        query = query.where(model.level == level)
    if not retired:
        query = query.where(model.retired_at.is_(None))
    return list(session.scalars(query))


def get_node(session: Session, model: type[T], code: str) -> T:
    """One taxonomy node (retired or not), or 404."""
    node = session.get(model, code)
    if node is None:
        raise NotFound(f"no {_KIND[model]} {code!r}")
    return node


def taxonomy_out(node: Category | Cause) -> dict[str, Any]:
    """A taxonomy node as the API shows it."""
    return {"code": node.code, "name": node.name, "parent": node.parent, "level": node.level}


def taxonomy_detail(node: Category | Cause, *, leaf: bool) -> dict[str, Any]:
    """A node with what administrators see too: the English name, whether it is retired,
    whether new tickets (categories) or replies (causes) may use it now, and for a category
    the station the dispatch picker suggests."""
    out = {
        **taxonomy_out(node),
        "name_en": node.name_en,
        "leaf": leaf,
        "retired": node.retired_at is not None,
        "retired_at": iso(node.retired_at) if node.retired_at else None,
    }
    if isinstance(node, Category):
        out["station"] = node.station_code
    return out


def details_out(nodes: Sequence[Category | Cause]) -> list[dict[str, Any]]:
    """Nodes in detail; which are usable leaves is read off the list itself, so it must hold
    every node (retired included) of the levels below the ones shown."""
    inner = {n.parent for n in nodes if n.parent and n.retired_at is None}
    return [taxonomy_detail(n, leaf=n.retired_at is None and n.code not in inner) for n in nodes]


_KIND: dict[Taxonomy, str] = {Category: "category", Cause: "cause"}


def _usable(model: Taxonomy) -> Select[bool, datetime | None]:
    child = aliased(model)
    active_children = exists().where(child.parent == model.code, child.retired_at.is_(None))
    return select(active_children, model.retired_at).where(model.code == bindparam("code"))


# One row when the code exists: whether it has active children, and when it was retired.
_USABLE = {model: _usable(model) for model in (Category, Cause)}


def leaf_problem(session: Session, model: Taxonomy, code: str) -> str | None:
    """Why new tickets (categories) or replies (causes) may not use this code, or None when
    they may: it must name an active node without active children (a leaf)."""
    kind = _KIND[model]
    found = session.execute(_USABLE[model], {"code": code}).first()
    if found is None:
        return f"{code!r} is not a {kind} code"
    has_children, retired_at = found
    if retired_at is not None:
        return f"{kind} {code!r} is retired"
    if has_children:
        return f"{code!r} is not a leaf {kind} code"
    return None


def is_leaf(session: Session, model: Taxonomy, code: str) -> bool:
    """Whether new tickets (categories) or replies (causes) may use this code."""
    return leaf_problem(session, model, code) is None


def subtree(model: Taxonomy, code: str) -> Select[Any]:
    """The codes of a node and every node under it, following `parent` (codes need not be
    paths of the tree: a node moved to another parent keeps its code)."""
    parent = aliased(model)
    return (
        select(model.code)
        .outerjoin(parent, parent.code == model.parent)
        .where(or_(model.code == code, model.parent == code, parent.parent == code))
    )


def _hhmm(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def load_calendar(session: Session, code: str) -> WorkCalendar:
    """A business calendar with its holiday and adjusted-workday exceptions."""
    row = session.get(BusinessCalendar, code)
    if row is None:
        raise NotFound(f"no calendar {code!r}")
    holidays: set[Any] = set()
    workdays: set[Any] = set()
    if row.follows_public_holidays and not row.always_open:
        for day in session.scalars(select(CalendarDay).where(CalendarDay.calendar_code == code)):
            (workdays if day.is_workday else holidays).add(day.day)
    return WorkCalendar(
        tz=ZoneInfo(row.timezone),
        always_open=row.always_open,
        day_start=_hhmm(row.day_start),
        day_end=_hhmm(row.day_end),
        holidays=frozenset(holidays),
        extra_workdays=frozenset(workdays),
        week=_week(session, code),
    )


def _week(session: Session, code: str) -> Week | None:
    """The calendar's weekly opening hours, or None when it keeps the Monday–Friday default."""
    rows = session.scalars(
        select(CalendarHours)
        .where(CalendarHours.calendar_code == code)
        .order_by(CalendarHours.weekday, CalendarHours.start)
    ).all()
    if not rows:
        return None
    days: list[list[tuple[time, time]]] = [[] for _ in WEEKDAYS]
    for r in rows:
        days[r.weekday].append((_hhmm(r.start), _hhmm(r.end)))
    return tuple(tuple(d) for d in days)


def week_out(week: Week) -> dict[str, list[dict[str, str]]]:
    """Opening hours by weekday name, as the API shows them."""
    return {
        name: [{"start": f"{s:%H:%M}", "end": f"{e:%H:%M}"} for s, e in intervals]
        for name, intervals in zip(WEEKDAYS, week, strict=True)
    }


def calendar_out(session: Session, code: str) -> dict[str, Any]:
    """A calendar with its exceptions, for the API."""
    row = session.get(BusinessCalendar, code)
    if row is None:
        raise NotFound(f"no calendar {code!r}")
    days = session.scalars(
        select(CalendarDay).where(CalendarDay.calendar_code == code).order_by(CalendarDay.day)
    )
    calendar = load_calendar(session, code)
    return {
        "code": row.code,
        "name": row.name,
        "timezone": row.timezone,
        "always_open": row.always_open,
        "hours": None if row.always_open else {"start": row.day_start, "end": row.day_end},
        "week": None if calendar.always_open else week_out(calendar.week_hours()),
        "exceptions": [
            {"date": d.day.isoformat(), "workday": d.is_workday, "note": d.note} for d in days
        ],
    }
