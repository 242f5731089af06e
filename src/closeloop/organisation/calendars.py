"""Changing business calendars (日历管理): holidays and adjusted working days as data, and the
weekly opening hours; every change audited with before and after, and announced as an event
so the deadlines counted in the calendar move."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.organisation.calendar import WEEKDAYS, Interval, Week, week_of
from closeloop.organisation.events import CalendarChanged
from closeloop.organisation.models import (
    BusinessCalendar,
    CalendarDay,
    CalendarHours,
    CalendarSchedule,
)
from closeloop.organisation.service import calendar_out, load_calendar
from closeloop.runtime.work import Work

KINDS = {"holiday": False, "workday": True}
DEFAULT_NAMES = {False: "节假日", True: "调休上班"}


@dataclass(frozen=True)
class DayEntry:
    """One exceptional day: a holiday, or an adjusted working day (调休上班)."""

    day: date
    workday: bool
    name: str

    @classmethod
    def of(cls, day: date, kind: str, name: str = "") -> DayEntry:
        """A day of `kind` (holiday or workday); an empty name gets the kind's usual one."""
        workday = KINDS[kind]
        return cls(day, workday, name.strip() or DEFAULT_NAMES[workday])


def parse_day(date_text: str, kind: str, name: str) -> DayEntry:
    """A day from its three fields; InvalidInput names the field that is wrong."""
    try:
        day = date.fromisoformat(date_text.strip())
    except ValueError:
        raise InvalidInput.field("date", f"{date_text!r} is not a date (YYYY-MM-DD)") from None
    kind = kind.strip()
    if kind not in KINDS:
        raise InvalidInput.field("kind", f"{kind!r} is not one of holiday, workday")
    name = name.strip()
    if len(name) > 64:
        raise InvalidInput.field("name", "at most 64 characters")
    return DayEntry.of(day, kind, name)


@dataclass
class DaysReport:
    """What setting days did, over all the calendars it touched."""

    calendars: list[str] = field(default_factory=list)
    added: int = 0
    changed: int = 0
    unchanged: int = 0
    years: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The report as the API and `--json` show it."""
        return {
            "calendars": self.calendars,
            "added": self.added,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "years": self.years,
        }


def calendar_codes(session: Session) -> list[str]:
    """Codes of every business calendar."""
    return list(session.scalars(select(BusinessCalendar.code).order_by(BusinessCalendar.code)))


def calendar_names(session: Session) -> dict[str, str]:
    """The name of every business calendar by code, in code order (one query)."""
    rows = session.execute(
        select(BusinessCalendar.code, BusinessCalendar.name).order_by(BusinessCalendar.code)
    )
    return {code: name for code, name in rows}


def national_calendars(session: Session) -> list[str]:
    """Codes of the calendars that follow the national holiday schedule."""
    return list(
        session.scalars(
            select(BusinessCalendar.code)
            .where(
                BusinessCalendar.follows_public_holidays.is_(True),
                BusinessCalendar.always_open.is_(False),
            )
            .order_by(BusinessCalendar.code)
        )
    )


def _calendar(session: Session, code: str) -> BusinessCalendar:
    row = session.get(BusinessCalendar, code)
    if row is None:
        raise NotFound(f"no calendar {code!r}")
    return row


def set_days(
    work: Work, codes: Sequence[str], entries: Iterable[DayEntry], *, source: str = "import"
) -> DaysReport:
    """Write the days into each calendar (a later entry for the same date wins), mark their
    years as holding the official schedule, audit each calendar's changes and announce them."""
    by_day = {e.day: e for e in entries}
    report = DaysReport(calendars=list(codes), years=sorted({d.year for d in by_day}))
    for code in codes:
        _calendar(work.session, code)
        before = load_calendar(work.session, code)
        lines = _write_days(work.session, code, by_day, report)
        _mark_schedules(work, code, report.years, source)
        work.session.flush()
        if lines:
            audit.record(
                work.session, work.actor, "calendar.days", "calendar", code,
                f"{len(lines)} day(s) changed from {source}: " + "; ".join(lines),
                clock=work.clock,
            )  # fmt: skip
        _announce(work, code, before)
    return report


def _write_days(
    session: Session, code: str, by_day: dict[date, DayEntry], report: DaysReport
) -> list[str]:
    """Insert or update the calendar's rows; a line 'date: before → after' for each change."""
    existing = {
        row.day: row
        for row in session.scalars(
            select(CalendarDay).where(
                CalendarDay.calendar_code == code, CalendarDay.day.in_(list(by_day))
            )
        )
    }
    lines: list[str] = []
    for day, entry in sorted(by_day.items()):
        after = f"{_kind(entry.workday)} {entry.name}"
        row = existing.get(day)
        if row is None:
            session.add(
                CalendarDay(calendar_code=code, day=day, is_workday=entry.workday, note=entry.name)
            )
            report.added += 1
            lines.append(f"{day}: (none) → {after}")
        elif (row.is_workday, row.note) != (entry.workday, entry.name):
            lines.append(f"{day}: {_kind(row.is_workday)} {row.note} → {after}")
            row.is_workday, row.note = entry.workday, entry.name
            report.changed += 1
        else:
            report.unchanged += 1
    return lines


def _kind(workday: bool) -> str:
    return "workday" if workday else "holiday"


def _mark_schedules(work: Work, code: str, years: list[int], source: str) -> None:
    for year in years:
        row = work.session.get(CalendarSchedule, (code, year))
        if row is None:
            row = CalendarSchedule(calendar_code=code, year=year)
            work.session.add(row)
        row.source, row.loaded_at, row.loaded_by = source, work.now(), work.actor.username


def _announce(work: Work, code: str, before: Any) -> None:
    after = load_calendar(work.session, code)
    if after != before:
        work.publish(CalendarChanged(at=work.now(), calendar=code, before=before, after=after))


def _hhmm(text: str, where: str) -> time:
    try:
        return time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput.field(where, f"{text!r} is not a time of day (HH:MM)") from None


def parse_week(hours: Mapping[str, Sequence[tuple[str, str]]]) -> Week:
    """A week pattern from `{"mon": [("08:30", "12:00"), …], …}`; errors name the weekday."""
    parsed: dict[str, list[Interval]] = {}
    for name, intervals in hours.items():
        parsed[name] = [
            (_hhmm(s, f"week.{name}[{i}].start"), _hhmm(e, f"week.{name}[{i}].end"))
            for i, (s, e) in enumerate(intervals)
        ]
    try:
        return week_of(parsed)
    except ValueError as exc:
        raise InvalidInput.field("week", str(exc)) from None


def set_hours(work: Work, code: str, week: Week) -> None:
    """Replace a calendar's weekly opening hours; audited and announced."""
    row = _calendar(work.session, code)
    if row.always_open:
        raise InvalidInput.field("week", f"calendar {code!r} is open around the clock")
    before = load_calendar(work.session, code)
    work.session.execute(delete(CalendarHours).where(CalendarHours.calendar_code == code))
    work.session.add_all(
        CalendarHours(calendar_code=code, weekday=weekday, start=f"{s:%H:%M}", end=f"{e:%H:%M}")
        for weekday, intervals in enumerate(week)
        for s, e in intervals
    )
    work.session.flush()
    audit.record(
        work.session, work.actor, "calendar.hours", "calendar", code,
        f"{describe_week(before.week_hours())} → {describe_week(week)}", clock=work.clock,
    )  # fmt: skip
    _announce(work, code, before)


def describe_week(week: Week) -> str:
    """`mon 08:30-12:00,13:30-17:30; …` (closed days left out)."""
    return (
        "; ".join(
            f"{name} " + ",".join(f"{s:%H:%M}-{e:%H:%M}" for s, e in intervals)
            for name, intervals in zip(WEEKDAYS, week, strict=True)
            if intervals
        )
        or "closed"
    )


def schedule_years(session: Session, code: str) -> list[dict[str, Any]]:
    """The years whose official schedule the calendar holds, with where it came from."""
    rows = session.scalars(
        select(CalendarSchedule)
        .where(CalendarSchedule.calendar_code == code)
        .order_by(CalendarSchedule.year)
    )
    return [
        {"year": r.year, "source": r.source, "loaded_at": r.loaded_at, "loaded_by": r.loaded_by}
        for r in rows
    ]


def calendar_detail(session: Session, code: str) -> dict[str, Any]:
    """A calendar as the API shows it, with the years whose official schedule it holds."""
    return {**calendar_out(session, code), "schedules": schedule_years(session, code)}


def missing_schedules(session: Session, today: date) -> list[str]:
    """From 1 November: the national calendars that lack next year's official schedule."""
    if (today.month, today.day) < (11, 1):
        return []
    year = today.year + 1
    loaded = set(
        session.scalars(select(CalendarSchedule.calendar_code).where(CalendarSchedule.year == year))
    )
    return [code for code in national_calendars(session) if code not in loaded]


def schedule_check(session: Session, today: date) -> dict[str, Any]:
    """`ok`, or a warning naming the calendars that lack next year's official schedule."""
    missing = missing_schedules(session, today)
    if not missing:
        return {"status": "ok"}
    year = today.year + 1
    return {
        "status": "warning",
        "year": year,
        "missing": missing,
        "message": f"the {year} holiday schedule is missing from calendar(s) "
        f"{', '.join(missing)}: import it (console /console/admin/calendars, or "
        "closeloop calendar import) before 1 January",
    }
