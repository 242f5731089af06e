"""KPI values (指标值) for a period, whole or grouped, with numerator and denominator.

Values are sums of the rows `facts.py` defines. A period of whole local days is summed from
the day rollups (`rollups.py`, kept by the events as they happen) — except days before a
rollup mark (`rebuild.incomplete_before`: history older than the rollups), recomputed exactly;
any other period — or `exact=True` — is recomputed from the histories with the same rows.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import case, func, literal, select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer
from closeloop.kpis import facts, rollups
from closeloop.kpis.catalogue import BY_CODE, QUALITY
from closeloop.kpis.models import KpiRollup
from closeloop.kpis.periods import TIME_GROUPINGS, Bucket, Period, buckets, label, midnight
from closeloop.kpis.quality_figures import quality_sums
from closeloop.kpis.rebuild import incomplete_before

PER_10K = "complaints_per_10k"
# Codes whose day rollups the events keep (tickets, contacts, self-service conversations).
ROLLED_UP = frozenset(facts.CREATION_FACTS + facts.EVENT_FACTS + facts.CONTACT_FACTS)


@dataclass(frozen=True)
class Value:
    """One KPI's value for one group (None: the whole period) with what it is made of; the
    value is None when there is nothing to count ("no data", never 0)."""

    code: str
    group: str | None
    numerator: float | None
    denominator: float | None

    @property
    def value(self) -> float | None:
        """numerator ÷ denominator, or None without a denominator."""
        if not self.denominator or self.numerator is None:
            return None
        return round(self.numerator / self.denominator, 6)

    def as_dict(self) -> dict[str, Any]:
        """As the API and the reports write it."""
        return {
            "code": self.code,
            "group": self.group,
            "value": self.value,
            "numerator": _number(self.numerator),
            "denominator": _number(self.denominator),
        }


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(x, 6)


def kpi_values(
    session: Session, codes: list[str], period: Period, by: str | None, *, exact: bool = False
) -> list[Value]:
    """Every code's values for the period, grouped `by` (None: the whole period)."""
    found: list[Value] = []
    days = None if exact else period.whole_days()
    rolled: dict[str, Sums] = {}
    if days:
        marks = incomplete_before(session, period.tz)
        whole = [c for c in codes if c in ROLLED_UP and (marks.get(c) or days[0]) <= days[0]]
        rolled = _rolled_up(session, whole, days, by)  # one query for every code
        rolled.update({c: _summed(session, c, period, days, by, marks[c]) for c in codes
                       if c in ROLLED_UP and c not in whole})  # fmt: skip
    for code in codes:
        if BY_CODE[code].source == QUALITY:
            sums = quality_sums(session, code, period, by)
        elif code in rolled:
            sums = rolled[code]
        else:
            sums = _recomputed(session, code, period, by)
        if code == PER_10K:
            sums = _per_customers(session, sums, period, by)
        found.extend(_ordered(code, sums, period, by))
    return found


Sums = dict[str | None, tuple[float, float]]


def _recomputed(session: Session, code: str, period: Period, by: str | None) -> Sums:
    """Sums straight from the histories."""
    dialect = session.get_bind().dialect.name
    rows = facts.FACTS[code](facts.Scope(period.start, period.end, dialect=dialect)).subquery()
    if by is None:
        key: Any = literal(None)
    elif by in TIME_GROUPINGS:
        key = case(*((rows.c.at < b.end, b.label) for b in buckets(period, by)), else_=None)
    else:
        key = rows.c[by]
    query = select(key.label("key"), func.sum(rows.c.num), func.sum(rows.c.den)).group_by(key)
    return {k: (float(n or 0), float(d or 0)) for k, n, d in session.execute(query)}


def _summed(
    session: Session,
    code: str,
    period: Period,
    days: tuple[date, date],
    by: str | None,
    complete: date,
) -> Sums:
    """Exact recomputation of the days whose rollups are incomplete (before `complete`: kept
    only since the database was upgraded, not rebuilt since), plus the later days' rollups."""
    cut = min(complete, days[1])
    sums = _recomputed(session, code, Period(period.start, midnight(cut, period.tz), period.tz), by)
    if cut >= days[1]:
        return sums
    merged = dict(sums)
    for key, (n, d) in _rolled_up(session, [code], (cut, days[1]), by).get(code, {}).items():
        before = merged.get(key, (0.0, 0.0))
        merged[key] = (before[0] + n, before[1] + d)
    return merged


def _rolled_up(
    session: Session, codes: list[str], days: tuple[date, date], by: str | None
) -> dict[str, Sums]:
    """Sums of the day rollups of every code (one query), by code."""
    if not codes:
        return {}
    rollups.settle(session)  # what this transaction's events noted counts too
    r = KpiRollup
    dim = by if by is not None and by not in TIME_GROUPINGS else "all"
    where = (r.code.in_(codes), r.dim == dim, r.day >= days[0], r.day < days[1])
    sums: dict[str, dict[str | None, list[float]]] = {c: defaultdict(lambda: [0.0, 0.0])
                                                      for c in codes}  # fmt: skip
    if by in TIME_GROUPINGS:
        rows = session.execute(select(r.code, r.day, r.numerator, r.denominator).where(*where))
        for code, day, n, d in rows:
            s = sums[code][label(day, by or "day")]
            s[0] += n
            s[1] += d
    else:
        query = (
            select(r.code, r.key, func.sum(r.numerator), func.sum(r.denominator))
            .where(*where)
            .group_by(r.code, r.key)
        )
        for code, k, n, d in session.execute(query):
            s = sums[code][(k or None) if by else None]
            s[0] += float(n or 0)
            s[1] += float(d or 0)
    return {c: {k: (v[0], v[1]) for k, v in found.items()} for c, found in sums.items()}


def customers_at(session: Session, period_end_day: date, region: str | None = None) -> int:
    """Customers who had joined by the end of a local day (the base complaints are counted on)."""
    query = (
        select(func.count())
        .select_from(Customer)
        .where((Customer.join_date <= period_end_day) | Customer.join_date.is_(None))
    )
    if region is not None:
        query = query.where(Customer.region == region)
    return int(session.scalar(query) or 0)


def customers_by(session: Session, days: list[date]) -> dict[date, int]:
    """`customers_at` for many days in two queries: the base at the first, then who joined."""
    if not days:
        return {}
    first, last = min(days), max(days)
    joined = session.execute(
        select(Customer.join_date, func.count())
        .where(Customer.join_date > first, Customer.join_date <= last)
        .group_by(Customer.join_date)
    )
    added: dict[date, int] = {joined_on: int(n) for joined_on, n in joined if joined_on}
    found: dict[date, int] = {}
    count, day = customers_at(session, first), first
    while day <= last:
        count += added.get(day, 0) if day > first else 0
        found[day] = count
        day += timedelta(days=1)
    return found


def _last_day(bucket_end: datetime, period: Period) -> date:
    """The local day of the last instant before an end: customers "at `to`"."""
    return (bucket_end - timedelta(microseconds=1)).astimezone(period.tz).date()


def _per_customers(session: Session, sums: Sums, period: Period, by: str | None) -> Sums:
    """Complaints per 10,000: the denominator is the customer base at the end (of the bucket,
    grouped by time; of the region, grouped by region)."""
    if by in TIME_GROUPINGS:
        ends = {b.label: _last_day(b.end, period) for b in buckets(period, by or "day")}
        wanted = [ends[str(k)] for k in sums]
        bases = customers_by(session, wanted)
        return {k: (n, float(bases[ends[str(k)]])) for k, (n, _d) in sums.items()}
    day = _last_day(period.end, period)
    if by == "region":
        return {k: (n, float(customers_at(session, day, k))) for k, (n, _d) in sums.items()}
    base = float(customers_at(session, day))
    return {k: (n, base) for k, (n, _d) in sums.items()}


def _ordered(code: str, sums: Sums, period: Period, by: str | None) -> list[Value]:
    """Values in group order; time groupings list every bucket, empty ones as no data."""
    if by in TIME_GROUPINGS:
        labels: list[Bucket] = buckets(period, by or "day")
        return [Value(code, b.label, *sums.get(b.label, (0.0, 0.0))) for b in labels]
    if by is None:
        n, d = sums.get(None, (0.0, 0.0))
        return [Value(code, None, n, d)]
    keys = sorted(sums, key=lambda k: (k is None, k or ""))
    return [Value(code, k, *sums[k]) for k in keys]
