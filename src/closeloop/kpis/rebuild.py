"""The day rollups summed again from the histories (重建指标汇总), set-based: one
`INSERT … SELECT` per KPI and local month, grouping the rows `facts.py` counts by grouping,
day and key in the database (nothing travels through Python)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    Date,
    case,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import Session

from closeloop.customers.models import Contact
from closeloop.knowledge.models import ChatSession
from closeloop.kpis import facts
from closeloop.kpis.models import KpiRollup, KpiRollupMark
from closeloop.kpis.periods import Period, buckets, midnight
from closeloop.kpis.rollups import DIMS, ROLLED, forget, local_day
from closeloop.tickets.models import Ticket, TicketEvent

Progress = Callable[[int, int], None]  # (steps done, steps in all)


def months(session: Session, tz: ZoneInfo) -> list[Period]:
    """The local months from the first recorded fact to the last one."""
    bounds = [
        select(func.min(Ticket.created_at), func.max(Ticket.updated_at)),
        select(func.min(TicketEvent.at), func.max(TicketEvent.at)),
        select(func.min(Contact.ended_at), func.max(Contact.ended_at)),
        select(func.min(ChatSession.created_at), func.max(ChatSession.created_at)),
    ]
    found = [tuple(session.execute(b).one()) for b in bounds]
    firsts = [local_day(f, tz) for f, _ in found if f is not None]
    lasts = [local_day(last, tz) for _, last in found if last is not None]
    if not firsts:
        return []
    month, stop = min(firsts).replace(day=1), max(lasts)
    periods = []
    while month <= stop:
        following = (month + timedelta(days=32)).replace(day=1)
        periods.append(Period(midnight(month, tz), midnight(following, tz), tz))
        month = following
    return periods


def rebuild(session: Session, tz: ZoneInfo, progress: Progress | None = None) -> int:
    """Throw the rollups away and sum them again, a KPI and a month at a time; the rollups
    written. The marks of incomplete rollups go: every day is complete afterwards."""
    forget(session)  # the histories read below hold this transaction's events already
    session.execute(delete(KpiRollup))
    session.execute(delete(KpiRollupMark))
    periods = months(session, tz)
    steps = len(periods) * len(ROLLED)
    for done, (period, code) in enumerate(((p, c) for p in periods for c in ROLLED), 1):
        _insert(session, code, period)
        if progress is not None:
            progress(done, steps)
    # counted, not summed from row counts: PostgreSQL's driver reports none for INSERT … SELECT
    return int(session.scalar(select(func.count()).select_from(KpiRollup)) or 0)


def _dims() -> Any:
    """The groupings as rows: ("all"), ("station"), …"""
    return union_all(*(select(literal(d).label("dim")) for d in DIMS)).subquery("dims")


def _day(at: Any, period: Period, dialect: str) -> Any:
    """An instant's local day in SQL: the zone's wall clock on PostgreSQL, the period's day
    buckets on SQLite (which knows no zones)."""
    if dialect == "postgresql":
        return cast(func.timezone(period.tz.key, at), Date)
    days = buckets(period, "day")
    return case(*((at < b.end, b.label) for b in days), else_=None)


def _insert(session: Session, code: str, period: Period) -> None:
    dialect = session.get_bind().dialect.name
    rows = facts.FACTS[code](facts.Scope(period.start, period.end, dialect=dialect)).subquery()
    day = _day(rows.c.at, period, dialect)
    summed = (
        _by_grouping_sets(code, rows, day) if dialect == "postgresql" else _by_dims(code, rows, day)
    )
    columns = ["code", "dim", "day", "key", "numerator", "denominator"]
    session.execute(insert(KpiRollup).from_select(columns, summed))


def _sums(rows: Any) -> list[Any]:
    return [func.coalesce(func.sum(rows.c.num), 0.0), func.coalesce(func.sum(rows.c.den), 0.0)]


def _by_grouping_sets(code: str, rows: Any, day: Any) -> Any:
    """PostgreSQL: the rows summed once by day and every group at once (one hash pass), then
    those few sums by each grouping with GROUPING SETS — the rows' SQL, with its correlated
    subqueries, runs once, not once per grouping, and only the small first sums are sorted."""
    named = [d for d in DIMS if d != "all"]
    groups = [func.coalesce(rows.c[d], "").label(d) for d in named]
    first = (
        select(
            day.label("day"),
            *groups,
            *(s.label(n) for s, n in zip(_sums(rows), ("num", "den"), strict=True)),
        )
        .group_by(day, *groups)
        .subquery("first_sums")
    )
    keys = {d: first.c[d] for d in named}
    dim = case(*((func.grouping(k) == 0, d) for d, k in keys.items()), else_="all")
    key = case(*((func.grouping(k) == 0, k) for k in keys.values()), else_="")
    sets = func.grouping_sets(tuple_(), *(tuple_(k) for k in keys.values()))
    return select(literal(code), dim, first.c.day, key, *_sums(first)).group_by(first.c.day, sets)


def _by_dims(code: str, rows: Any, day: Any) -> Any:
    """Elsewhere (SQLite knows no GROUPING SETS): the rows joined to the groupings' names."""
    dims = _dims()
    key = case(
        *((dims.c.dim == d, func.coalesce(rows.c[d], "")) for d in DIMS if d != "all"),
        else_="",
    )
    return (
        select(literal(code), dims.c.dim, day, key, *_sums(rows))
        .select_from(rows.join(dims, true()))
        .group_by(dims.c.dim, day, key)
    )


def incomplete_before(session: Session, tz: ZoneInfo) -> dict[str, date]:
    """By KPI, the first local day whose rollups are complete, for the KPIs with a mark (older
    days' rollups are not: their history is older than the rollups)."""
    marks = session.execute(select(KpiRollupMark.code, KpiRollupMark.exact_before))
    return {code: local_day(at, tz) + timedelta(days=1) for code, at in marks}
