"""Publishing and reading the roster (排班表), and exporting it as CSV or XLSX."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select

from closeloop.auth import audit
from closeloop.runtime.work import Work
from closeloop.workforce.models import RosterShift
from closeloop.workforce.schedule import Assignment

COLUMNS = ("agent", "day", "shift", "skill", "start", "end", "break_start", "break_minutes")


def _at(day: date, minutes: int, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tz) + timedelta(minutes=minutes)


def publish(work: Work, assignments: Sequence[Assignment], days: Sequence[date]) -> int:
    """Replace the roster of `days` with these assignments; how many shifts were published."""
    work.session.execute(delete(RosterShift).where(RosterShift.day.in_(list(days))))
    now, tz = work.now(), work.tz
    for a in assignments:
        pause = _at(a.day, a.break_start, tz) if a.break_start is not None else None
        work.session.add(
            RosterShift(
                agent=a.agent, day=a.day, shift=a.shift, skill=a.skill,
                starts_at=_at(a.day, a.start, tz), ends_at=_at(a.day, a.end, tz),
                break_starts_at=pause,
                break_minutes=a.break_minutes, published_at=now, published_by=work.actor.username,
            )
        )  # fmt: skip
    audit.record(
        work.session, work.actor, "wfm.roster.publish", "roster", f"{min(days)}..{max(days)}",
        f"{len(assignments)} shifts for {len(days)} days", clock=work.clock,
    )  # fmt: skip
    return len(assignments)


def shifts(work: Work, first: date, last: date) -> list[RosterShift]:
    """Published shifts from `first` to `last`, by day, start and agent."""
    return list(
        work.session.scalars(
            select(RosterShift)
            .where(RosterShift.day >= first, RosterShift.day <= last)
            .order_by(RosterShift.day, RosterShift.starts_at, RosterShift.agent)
        )
    )


def rows(found: Sequence[RosterShift], tz: ZoneInfo) -> list[dict[str, str | int]]:
    """Shifts as table rows in local time."""
    return [
        {
            "agent": s.agent,
            "day": s.day.isoformat(),
            "shift": s.shift,
            "skill": s.skill,
            "start": f"{s.starts_at.astimezone(tz):%H:%M}",
            "end": f"{s.ends_at.astimezone(tz):%H:%M}",
            "break_start": f"{s.break_starts_at.astimezone(tz):%H:%M}" if s.break_starts_at else "",
            "break_minutes": s.break_minutes,
        }
        for s in found
    ]


def to_csv(table: Sequence[dict[str, str | int]]) -> str:
    """The roster as CSV text with a header."""
    out = io.StringIO()
    writer = csv.DictWriter(out, COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(table)
    return out.getvalue()


def to_xlsx(table: Sequence[dict[str, str | int]]) -> bytes:
    """The roster as an Excel workbook (one sheet, a header row)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "roster"
    sheet.append(list(COLUMNS))
    for row in table:
        sheet.append([row[c] for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _overlap(a: tuple[datetime, datetime], b: tuple[datetime, datetime]) -> float:
    return max(0.0, (min(a[1], b[1]) - max(a[0], b[0])).total_seconds())


def adherence(work: Work, start: datetime, end: datetime) -> dict[str, float]:
    """Each rostered agent's share of scheduled working time (breaks excluded) in [start, end)
    spent available — signed in, on a contact or in after-contact work (遵从度)."""
    from closeloop.workforce.states import AVAILABLE, stretches

    tz, now = work.tz, min(end, work.now())
    first, last = start.astimezone(tz).date(), end.astimezone(tz).date()
    planned: dict[str, list[tuple[datetime, datetime]]] = {}
    for s in shifts(work, first, last):
        pieces = [(s.starts_at, s.ends_at)]
        if s.break_starts_at is not None:
            pause = s.break_starts_at + timedelta(minutes=s.break_minutes)
            pieces = [(s.starts_at, s.break_starts_at), (pause, s.ends_at)]
        for a, b in pieces:
            a, b = max(a, start), min(b, now)
            if b > a:
                planned.setdefault(s.agent, []).append((a, b))
    available: dict[str, list[tuple[datetime, datetime]]] = {}
    for row in stretches(work, start, end):
        if row.state in AVAILABLE:
            available.setdefault(row.agent, []).append((row.started_at, row.ended_at or now))
    result = {}
    for agent, pieces in planned.items():
        total = sum((b - a).total_seconds() for a, b in pieces)
        kept = sum(_overlap(p, q) for p in pieces for q in available.get(agent, []))
        result[agent] = round(kept / total, 3) if total else 1.0
    return result
