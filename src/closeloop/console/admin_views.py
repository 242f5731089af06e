"""What the administration pages (系统管理) show and read: calendars as rows, a week of opening
hours typed as text, business settings' values typed into forms, and the services' English
reasons said in the page's language."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from closeloop.console import labels
from closeloop.console.labels import N_
from closeloop.kit.errors import InvalidInput
from closeloop.organisation import calendars
from closeloop.organisation.calendar import WEEKDAYS
from closeloop.organisation.service import load_calendar

Gettext = Callable[[str], str]
Reasons = tuple[tuple[re.Pattern[str], str], ...]  # (pattern of a service's reason, message)

WEEKDAY_NAMES = {
    "mon": N_("Monday"),
    "tue": N_("Tuesday"),
    "wed": N_("Wednesday"),
    "thu": N_("Thursday"),
    "fri": N_("Friday"),
    "sat": N_("Saturday"),
    "sun": N_("Sunday"),
}
DAY_KINDS = {False: N_("Holiday"), True: N_("Adjusted working day")}
# The deadlines a calendar change moves (tickets.reschedule audits `stage: old → new`).
MOVED_STAGES = {
    "accept_due": N_("Station to accept by"),
    "work_due": N_("Station to reply by"),
    "prewarn": N_("Deadline warning at"),
}
_MOVE = re.compile(r"\b(accept_due|work_due|prewarn): (\S+) → (\S+?)(?:;|$)")
ALL_NATIONAL = ""  # the import form's choice "every calendar that follows the national schedule"


# -- the services' reasons in the page's language ----------------------------------------------

_REASONS: Reasons = (
    (re.compile(r"^date: (?P<value>.*) is not a date \(YYYY-MM-DD\)$"),
     N_("Date: %(value)s is not a date (YYYY-MM-DD).")),
    (re.compile(r"^kind: (?P<value>.*) is not one of holiday, workday$"),
     N_("Kind: %(value)s is neither holiday nor workday.")),
    (re.compile(r"^name: at most 64 characters$"), N_("Name: at most 64 characters.")),
    (re.compile(r"^expected (?P<expected>\d+) fields, got (?P<got>\d+)$"),
     N_("Expected %(expected)s fields (date,kind,name), got %(got)s.")),
    (re.compile(r"^date: (?P<value>\S+) is already on line (?P<line>\d+)$"),
     N_("Date: %(value)s is already on line %(line)s.")),
    (re.compile(r"^.*: the file is empty$"), N_("The file is empty.")),
    (re.compile(r"^.*: line 1: missing column\(s\) (?P<value>.*); expected .*$"),
     N_("Line 1: the column(s) %(value)s are missing; the first line must be date,kind,name.")),
    (re.compile(r"^.*: line 1: unknown column\(s\) (?P<value>.*)$"),
     N_("Line 1: unknown column(s) %(value)s; the first line must be date,kind,name.")),
    (re.compile(r"^must be a whole number of at least 1$"),
     N_("Enter a whole number of at least 1.")),
    (re.compile(r"^must be a number above 0$"), N_("Enter a number above 0.")),
    (re.compile(r"^must (be a text|look) like 22:00-08:00 \(empty: no quiet hours\)$"),
     N_("Enter a time range like 22:00-08:00 (empty: no quiet hours).")),
    (re.compile(r"^(?P<value>\w+\.\w+): whole hours from 1 to 720$"),
     N_("%(value)s: enter whole hours from 1 to 720.")),
    (re.compile(r"^\w+: (?P<value>\d\d:\d\d-\d\d:\d\d) does not run forward$"),
     N_("%(value)s: the end must come after the start.")),
    (re.compile(r"^\w+: (?P<value>\d\d:\d\d-\d\d:\d\d) overlaps the next interval$"),
     N_("%(value)s overlaps the next interval.")),
)  # fmt: skip


def say_reason(
    reasons: Reasons,
    gettext: Gettext,
    reason: str,
    value: Callable[[Gettext, str], str] = lambda _gettext, value: value,
) -> str:
    """A service's reason (English) in the page's language by the first pattern of `reasons`
    that matches it (its named groups, shown by `value`, fill the message); others as they are."""
    for pattern, message in reasons:
        found = pattern.match(reason)
        if found:
            values = {k: value(gettext, v) for k, v in found.groupdict().items()}
            return gettext(message) % values if values else gettext(message)
    return reason


def say(gettext: Gettext, reason: str) -> str:
    """A calendar or settings reason in the page's language; unknown ones as they are."""
    return say_reason(_REASONS, gettext, reason, _value)


def _value(gettext: Gettext, value: str) -> str:
    """A value quoted in a reason; `fault.urgent` becomes the names of the type and severity."""
    kind, dot, severity = value.partition(".")
    if dot and kind in labels.TYPES and severity in labels.SEVERITIES:
        return f"{gettext(labels.TYPES[kind])} · {gettext(labels.SEVERITIES[severity])}"
    return value


# -- calendars ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Move:
    """One deadline of a ticket that a calendar change moved."""

    stage: str  # message id
    before: datetime
    after: datetime


def moves_in(summary: str) -> list[Move]:
    """The moves an audit entry `ticket.deadlines_moved` records, in its order."""
    moves = []
    for stage, before, after in _MOVE.findall(summary):
        try:
            old, new = datetime.fromisoformat(before), datetime.fromisoformat(after)
        except ValueError:
            continue
        moves.append(Move(MOVED_STAGES[stage], old, new))
    return moves


@dataclass(frozen=True)
class CalendarRow:
    """A calendar as the calendars page lists it."""

    code: str
    name: str
    always_open: bool
    national: bool
    week: list[tuple[str, str]]  # (weekday message id, "08:30-12:00, 13:30-17:30" or "")
    schedules: list[dict[str, Any]]
    next_year: list[dict[str, Any]]  # {"date", "workday", "note"}


def week_text(intervals: list[dict[str, str]]) -> str:
    """A day's opening intervals as typed in the form: `08:30-12:00, 13:30-17:30`."""
    return ", ".join(f"{i['start']}-{i['end']}" for i in intervals)


def calendar_rows(session: Session, year: int) -> list[CalendarRow]:
    """Every calendar with its weekly hours, loaded years and the exceptions of `year`."""
    national = set(calendars.national_calendars(session))
    rows = []
    for code in calendars.calendar_codes(session):
        detail = calendars.calendar_detail(session, code)
        week = detail["week"] or {}
        rows.append(
            CalendarRow(
                code=code,
                name=detail["name"],
                always_open=detail["always_open"],
                national=code in national,
                week=[(WEEKDAY_NAMES[d], week_text(week.get(d, []))) for d in WEEKDAYS],
                schedules=detail["schedules"],
                next_year=[
                    e for e in detail["exceptions"] if date.fromisoformat(e["date"]).year == year
                ],
            )
        )
    return rows


def choosable_calendars(session: Session) -> list[str]:
    """The calendars days can be written into: those not open around the clock."""
    return [
        code
        for code in calendars.calendar_codes(session)
        if not load_calendar(session, code).always_open
    ]


_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")
_DASHES = re.compile(r"\s*[-–—~～至]\s*")
_SEPARATORS = re.compile(r"[,，;；、\s]+")


def _interval(text: str) -> tuple[str, str] | None:
    """`8:30-12:00` as ("08:30", "12:00"), or None when it is not a range of times of day."""
    found = _INTERVAL.match(text)
    if not found:
        return None
    start_h, start_m, end_h, end_m = (int(g) for g in found.groups())
    if max(start_h, end_h) > 23 or max(start_m, end_m) > 59:
        return None
    return f"{start_h:02d}:{start_m:02d}", f"{end_h:02d}:{end_m:02d}"


@dataclass
class WeekForm:
    """The weekly-hours form as typed: one text per weekday, e.g. `08:30-12:00, 13:30-17:30`."""

    days: dict[str, str]
    problems: dict[str, str] = field(default_factory=dict)

    def hours(self, gettext: Gettext) -> dict[str, list[tuple[str, str]]] | None:
        """The intervals by weekday for `calendars.parse_week`; None when a day is refused
        (its problem is kept under the weekday)."""
        hours: dict[str, list[tuple[str, str]]] = {}
        for day in WEEKDAYS:
            text = _DASHES.sub("-", self.days.get(day, "").strip())
            parts = [part for part in _SEPARATORS.split(text) if part]
            intervals = [_interval(part) for part in parts]
            bad = [part for part, i in zip(parts, intervals, strict=True) if i is None]
            if bad:
                self.problems[day] = gettext(
                    N_("%(value)s is not a time range like 08:30-12:00.")
                ) % {"value": bad[0]}
            hours[day] = [i for i in intervals if i is not None]
        if not self.problems and not any(hours.values()):
            self.problems["week"] = gettext(N_("At least one day needs opening hours."))
        return None if self.problems else hours

    def refused(self, gettext: Gettext, exc: InvalidInput) -> None:
        """Keep the service's refusal under the weekday it names."""
        reason = exc.detail.removeprefix("week: ")
        day = reason.split(":", 1)[0]
        self.problems[day if day in WEEKDAYS else "week"] = say(gettext, reason)


# -- business settings -------------------------------------------------------------------------


def is_grid(value: Any) -> bool:
    """Whether a setting's value is a table of numbers (rows of named columns), shown as a grid
    of number inputs (the service promise by ticket type and severity)."""
    return (
        isinstance(value, dict)
        and bool(value)
        and all(
            isinstance(row, dict) and all(isinstance(v, int | float) for v in row.values())
            for row in value.values()
        )
    )


def label_of(code: str) -> str:
    """The message id naming a grid's row or column (a ticket type or severity)."""
    return labels.TYPES.get(code) or labels.SEVERITIES.get(code) or code


def shown(value: Any) -> str:
    """A setting's value as text in a table or an input."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class NotJson(ValueError):
    """Structured input that is not JSON."""


def typed_value(default: Any, text: str) -> Any:
    """What was typed for a setting, as the value its service parses: text for a text
    setting, a number when it reads as one, JSON for structured ones."""
    text = text.strip()
    if isinstance(default, str):
        return text
    if isinstance(default, dict | list):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise NotJson(str(exc)) from None
    try:
        number = json.loads(text)
    except json.JSONDecodeError:
        return text
    return number if isinstance(number, int | float) and not isinstance(number, bool) else text


def grid_value(default: Mapping[str, Mapping[str, Any]], form: Mapping[str, str]) -> Any:
    """A grid setting's value from its inputs `cell.<row>.<column>`: whole numbers where typed,
    the text itself otherwise (so the service names the cell it refuses)."""
    value: dict[str, dict[str, Any]] = {}
    for row, columns in default.items():
        value[row] = {}
        for column in columns:
            text = str(form.get(f"cell.{row}.{column}", "")).strip()
            value[row][column] = int(text) if text.isascii() and text.isdigit() else text
    return value
