"""The weekly review (周度复盘): a Pareto of the problem categories of the tickets created in a
week and of the causes of the tickets closed in it, each with its cumulative share and the
change against the week before, and the hotspot regions (most tickets, fastest growing)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from closeloop.kpis.named_periods import NamedPeriod
from closeloop.kpis.periods import Period
from closeloop.organisation.models import Category, Cause
from closeloop.runtime.work import Work
from closeloop.tickets.models import Ticket

NONE = ""  # tickets without a cause or region


@dataclass(frozen=True)
class Bar:
    """One bar of a Pareto: a key, its name, its count this week and the week before, and the
    running share of the week's total after it (per cent)."""

    key: str
    name: str
    count: int
    previous: int
    cumulative_share: float

    def as_dict(self, total: int) -> dict[str, Any]:
        """As the API writes it."""
        return {
            "key": self.key or None,
            "name": self.name,
            "count": self.count,
            "share": round(100.0 * self.count / total, 1) if total else 0.0,
            "cumulative_share": self.cumulative_share,
            "previous": self.previous,
            "change": self.count - self.previous,
        }


def pareto(now: dict[str, int], before: dict[str, int], names: dict[str, str]) -> list[Bar]:
    """Bars from the biggest count down (ties by key), with the cumulative share."""
    total = sum(now.values())
    bars, running = [], 0
    keys = set(now) | set(before)  # a problem gone since last week shows as 0
    for key, count in sorted(((k, now.get(k, 0)) for k in keys), key=lambda kv: (-kv[1], kv[0])):
        running += count
        share = round(100.0 * running / total, 1) if total else 0.0
        bars.append(Bar(key, names.get(key, key), count, before.get(key, 0), share))
    return bars


def _counts(session: Session, query: Select[Any]) -> dict[str, int]:
    return {(k or NONE): int(n) for k, n in session.execute(query)}


def _created(column: Any, period: Period) -> Select[Any]:
    live = Ticket.deleted_at.is_(None)
    return (
        select(column, func.count())
        .where(live, Ticket.created_at >= period.start, Ticket.created_at < period.end)
        .group_by(column)
    )


def _closed_causes(period: Period) -> Select[Any]:
    cause: Any = Ticket.cause_code
    return (
        select(cause, func.count())
        .where(
            Ticket.deleted_at.is_(None),
            Ticket.closed_at >= period.start,
            Ticket.closed_at < period.end,
        )
        .group_by(Ticket.cause_code)
    )


def _names(session: Session, model: type[Category] | type[Cause], language: str) -> dict[str, str]:
    english = language.startswith("en")
    rows = session.execute(select(model.code, model.name, model.name_en))
    return {code: (name_en or name) if english else name for code, name, name_en in rows}


@dataclass(frozen=True)
class Review:
    """A week's review beside the week before."""

    week: NamedPeriod
    categories: list[Bar]
    causes: list[Bar]
    regions: list[Bar]

    def as_dict(self) -> dict[str, Any]:
        """As the API writes it."""
        before = self.week.previous()

        def block(bars: list[Bar]) -> dict[str, Any]:
            total = sum(b.count for b in bars)
            return {
                "total": total,
                "previous_total": sum(b.previous for b in bars),
                "items": [b.as_dict(total) for b in bars],
            }

        growing = sorted(self.regions, key=lambda b: (-(b.count - b.previous), b.key))
        return {
            "week": self.week.name,
            "from": self.week.first.isoformat(),
            "to": self.week.until.isoformat(),
            "previous_week": before.name,
            "categories": block(self.categories),
            "causes": block(self.causes),
            "hotspots": {
                "most": [b.as_dict(sum(r.count for r in self.regions)) for b in self.regions[:5]],
                "growing": [
                    b.as_dict(sum(r.count for r in self.regions))
                    for b in growing[:5]
                    if b.count > b.previous
                ],
            },
        }


def weekly_review(work: Work, week: NamedPeriod, language: str = "zh-CN") -> Review:
    """The review of a week: categories, causes and regions against the week before."""
    work.actor.require("kpis.read")
    session, tz = work.session, work.tz
    now, before = week.period(tz), week.previous().period(tz)
    categories = _names(session, Category, language)
    causes = _names(session, Cause, language)
    return Review(
        week,
        pareto(
            _counts(session, _created(Ticket.category, now)),
            _counts(session, _created(Ticket.category, before)),
            categories,
        ),
        pareto(
            _counts(session, _closed_causes(now)), _counts(session, _closed_causes(before)), causes
        ),
        pareto(
            _counts(session, _created(Ticket.region, now)),
            _counts(session, _created(Ticket.region, before)),
            {},
        ),
    )
