"""What the KPI API, CLI and console ask: the catalogue with its targets, and values for a
period read from the query's words (`from`, `to`, `by`, `codes`)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from closeloop.kit.actor import Actor
from closeloop.kit.errors import InvalidInput
from closeloop.kpis.catalogue import BY_CODE, CATALOGUE, CODES
from closeloop.kpis.periods import GROUPINGS, Period, instant, midnight
from closeloop.kpis.targets import targets_on
from closeloop.kpis.values import Value, kpi_values
from closeloop.runtime.work import Work


def catalogue_out(session: Session, today: date, language: str = "zh-CN") -> list[dict[str, Any]]:
    """Every KPI as `GET /api/v1/kpis` shows it, with its target and next target."""
    targets = targets_on(session, today)
    return [
        {
            "code": k.code,
            "name": k.name(language),
            "name_en": k.name_en,
            "unit": k.unit,
            "direction": k.direction,
            "definition": k.definition,
            "source": k.source,
            "target": t.current.as_dict() if (t := targets[k.code]).current else None,
            "next_target": t.next.as_dict() if t.next else None,
        }
        for k in CATALOGUE
    ]


def parse_codes(text: str | None, field: tuple[str, ...] = ("query", "codes")) -> list[str]:
    """Codes from `a,b` (every code when empty); 422 naming the unknown ones."""
    if not text or not text.strip():
        return list(CODES)
    codes = [c.strip() for c in text.split(",") if c.strip()]
    unknown = [c for c in codes if c not in BY_CODE]
    if unknown:
        raise InvalidInput.field(list(field), f"unknown KPI codes: {', '.join(unknown)}")
    return list(dict.fromkeys(codes))


def parse_by(by: str | None, field: tuple[str, ...] = ("query", "by")) -> str | None:
    """A grouping, or None for the whole period; 422 for any other word."""
    if by is None or by == "":
        return None
    if by not in GROUPINGS:
        raise InvalidInput.field(list(field), f"must be one of {', '.join(GROUPINGS)}")
    return by


def period_of(work: Work, start: date | datetime | None, end: date | datetime | None) -> Period:
    """[from, to) in UTC: dates are local midnights; by default this month up to tomorrow."""
    tz = work.tz
    today = work.today()
    stop = instant(end, tz) if end is not None else midnight(today + timedelta(days=1), tz)
    begin = instant(start, tz) if start is not None else midnight(today.replace(day=1), tz)
    if begin >= stop:
        raise InvalidInput.field(["query", "from"], "must be before `to`")
    return Period(begin, stop, tz)


def values_for(
    work: Work,
    actor: Actor,
    codes: list[str],
    period: Period,
    by: str | None,
    *,
    exact: bool = False,
) -> list[Value]:
    """KPI values the actor may read."""
    actor.require("kpis.read")
    return kpi_values(work.session, codes, period, by, exact=exact)
