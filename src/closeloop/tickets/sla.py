"""Deadline rules (时限) as pure functions: stage deadlines, the stopped clock, missed events.

Stages: `accept` (take a dispatched ticket within the station's accept time), `work` (the
station's time limit for the severity, in the station's business calendar, counted from
dispatch), `callback` (24 h after the reply), `resolution` (the promise to the customer,
wall-clock from creation). `prewarn` fires at 80 % of the station's time limit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from closeloop.organisation.calendar import (
    WorkCalendar,
    add_business_minutes,
    add_business_time,
    business_time_between,
)

CALLBACK_WITHIN = timedelta(hours=24)
MISSED_AFTER = timedelta(microseconds=1)
PREWARN_SHARE = 0.8

# The service promise (服务承诺) per ticket type and severity, in hours — rules as data.
RESOLUTION_HOURS: dict[str, dict[str, int]] = {
    "fault": {"urgent": 4, "high": 12, "normal": 24, "low": 48},
    "complaint": {"urgent": 4, "high": 24, "normal": 48, "low": 72},
    "inquiry": {"urgent": 4, "high": 24, "normal": 24, "low": 48},
    "request": {"urgent": 8, "high": 24, "normal": 48, "low": 72},
    "suggestion": {"urgent": 24, "high": 72, "normal": 120, "low": 168},
}

# Each value tier's service (分级服务), rules as data: a shorter promise (the type/severity
# promise, capped at `promise_hours`; None = no cap) and a queue priority. Keyed by the
# customer's value tier (customers.value_tier); a tier not listed gets the ordinary service.
SEGMENT_SERVICE: dict[str, dict[str, int | None]] = {
    "diamond": {"promise_hours": 4, "priority": 3},
    "gold": {"promise_hours": 8, "priority": 2},
    "silver": {"promise_hours": 24, "priority": 1},
    "regular": {"promise_hours": None, "priority": 0},
}
# how far ahead in a queue each priority level moves a ticket (a diamond, priority 3, sorts
# as if due 6 h sooner; its shown deadline does not change)
QUEUE_LEAD_PER_PRIORITY = timedelta(hours=2)

STAGES = ("accept", "work", "callback", "resolution")
# The promise runs until the problem is solved: a reply (or a close) keeps it; the callback
# that follows confirms the outcome and has its own deadline.
PROMISE_RUNS = ("new", "expert", "dispatched", "in_progress", "pending")


@dataclass(frozen=True)
class StationTerms:
    """What a station promises for one ticket: accept time, time limit, its calendar."""

    accept_minutes: int
    limit_minutes: int
    calendar: WorkCalendar


@dataclass(frozen=True)
class Deadlines:
    """The deadlines that apply to a ticket in its current status (None where none runs)."""

    status: str
    accept_due_at: datetime | None = None
    work_due_at: datetime | None = None
    prewarn_at: datetime | None = None
    callback_due_at: datetime | None = None
    resolution_due_at: datetime | None = None
    prewarned: bool = False

    def current_due(self) -> datetime | None:
        """The deadline of the stage the ticket is in now (the queue's `due_at`)."""
        if self.status == "dispatched":
            return self.accept_due_at
        if self.status == "in_progress":
            return self.work_due_at
        if self.status == "replied":
            return self.callback_due_at
        if self.status in ("new", "expert"):
            return self.resolution_due_at
        return None

    def events(self) -> list[tuple[str, datetime]]:
        """Every (stage, due) that can still be missed in this status, prewarn included."""
        found: list[tuple[str, datetime]] = []
        if self.status == "dispatched" and self.accept_due_at:
            found.append(("accept", self.accept_due_at))
        if self.status in ("dispatched", "in_progress"):
            if self.work_due_at:
                found.append(("work", self.work_due_at))
            if self.prewarn_at and not self.prewarned:
                found.append(("prewarn", self.prewarn_at))
        if self.status == "replied" and self.callback_due_at:
            found.append(("callback", self.callback_due_at))
        if self.status in PROMISE_RUNS and self.resolution_due_at:
            found.append(("resolution", self.resolution_due_at))
        return found

    def missed(self, at: datetime) -> list[tuple[str, datetime]]:
        """Events that have happened by `at`: deadlines passed (a stage done exactly at its
        deadline is in time, as `overdue` says), the pre-warning from its instant on."""
        return [(stage, due) for stage, due in self.events() if happens_at(stage, due) <= at]

    def next_after(self, at: datetime) -> datetime | None:
        """The first instant after `at` at which another event has happened (when the SLA
        scan must look again: a scan at or after it records something)."""
        ahead = [happens_at(stage, due) for stage, due in self.events()]
        later = [when for when in ahead if when > at]
        return min(later) if later else None


def happens_at(stage: str, due: datetime) -> datetime:
    """The first instant at which an event has happened: a deadline counts as missed just
    after it (the smallest step a stored time has), a pre-warning at its instant."""
    return due if stage == "prewarn" else due + MISSED_AFTER


def resolution_due(
    created_at: datetime,
    ticket_type: str,
    severity: str,
    hours: dict[str, dict[str, int]] = RESOLUTION_HOURS,
    cap_hours: int | None = None,
) -> datetime:
    """When the promise to the customer runs out (`hours`: the operator's promise table;
    `cap_hours`: the customer's segment promise, when shorter)."""
    promised = hours[ticket_type][severity]
    if cap_hours is not None:
        promised = min(promised, cap_hours)
    return created_at + timedelta(hours=promised)


def segment_terms(
    tier: str | None, table: dict[str, dict[str, int | None]] = SEGMENT_SERVICE
) -> tuple[int | None, int]:
    """The segment's promise cap in hours (None: none) and queue priority (0: none)."""
    row = table.get(tier or "", {})
    return row.get("promise_hours"), int(row.get("priority") or 0)


def queue_key(due_at: datetime | None, priority: int, no_deadline: datetime) -> datetime:
    """Where a ticket sorts in a queue: its deadline, moved ahead by its priority's lead."""
    if due_at is None:
        return no_deadline
    return due_at - priority * QUEUE_LEAD_PER_PRIORITY


def prewarn_minutes(limit_minutes: int) -> int:
    """Business minutes after dispatch at which the pre-warning fires (80 % of the limit)."""
    return math.ceil(limit_minutes * PREWARN_SHARE)


def on_dispatch(at: datetime, terms: StationTerms) -> tuple[datetime, datetime, datetime]:
    """(accept due, work due, pre-warning) for a dispatch at `at`."""
    calendar = terms.calendar
    return (
        add_business_minutes(at, terms.accept_minutes, calendar),
        add_business_minutes(at, terms.limit_minutes, calendar),
        add_business_minutes(at, prewarn_minutes(terms.limit_minutes), calendar),
    )


def on_hold(at: datetime, work_due: datetime, calendar: WorkCalendar) -> int:
    """Business minutes left on the station's clock when it stops (0 when already late),
    rounded up: the station keeps the seconds it had, and a hold in the minute before the
    pre-warning leaves that warning still to come."""
    left = business_time_between(at, work_due, calendar)
    return math.ceil(left / timedelta(minutes=1))


def on_resume(
    at: datetime, remaining: int, limit_minutes: int, calendar: WorkCalendar
) -> tuple[datetime, datetime | None]:
    """(work due, pre-warning or None when already past 80 %) when the clock restarts."""
    work_due = add_business_minutes(at, remaining, calendar)
    before_warning = remaining - (limit_minutes - prewarn_minutes(limit_minutes))
    prewarn = add_business_minutes(at, before_warning, calendar) if before_warning > 0 else None
    return work_due, prewarn


def callback_due(replied_at: datetime) -> datetime:
    """When the callback must have happened."""
    return replied_at + CALLBACK_WITHIN


def relaid(due: datetime, at: datetime, before: WorkCalendar, after: WorkCalendar) -> datetime:
    """A deadline still ahead at `at`, moved when its calendar changes: the working time left
    by the old calendar is laid out again on the new one (time already used stays used)."""
    if due <= at:
        return due
    return add_business_time(at, business_time_between(at, due, before), after)
