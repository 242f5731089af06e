"""Deadline rules (时限) as pure functions, checked by examples and by hypothesis across random
business calendars with holidays, adjusted working days, night and weekend starts."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from closeloop.organisation.calendar import (
    WorkCalendar,
    add_business_minutes,
    business_minutes_between,
    business_time_between,
)
from closeloop.organisation.holidays import china_days
from closeloop.tickets import sla
from closeloop.tickets.sla import Deadlines, StationTerms

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")
OFFICE = WorkCalendar(tz=SHANGHAI)  # wireless, billing, vas: 08:30–17:30 working days
FIELD = WorkCalendar(tz=SHANGHAI, day_start=time(8), day_end=time(20))
ALWAYS = WorkCalendar(tz=SHANGHAI, always_open=True)  # netops 7×24
LIMITS = {"urgent": 4 * 60, "high": 8 * 60, "normal": 24 * 60, "low": 72 * 60}


def local(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def china_2026() -> WorkCalendar:
    """The office calendar with the State Council's 2026 holidays and adjusted working days."""
    days = china_days(2026)
    return WorkCalendar(
        tz=SHANGHAI,
        holidays=frozenset(d for d, (work, _note) in days.items() if not work),
        extra_workdays=frozenset(d for d, (work, _note) in days.items() if work),
    )


# --- examples -----------------------------------------------------------------------------


def test_dispatch_on_a_monday_morning_to_an_office_station() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["high"], calendar=OFFICE)
    accept, work, prewarn = sla.on_dispatch(local(2026, 11, 23, 10), terms)
    assert accept == local(2026, 11, 23, 10, 30)
    # 7 h 30 on Monday, the last 30 minutes on Tuesday morning
    assert work == local(2026, 11, 24, 9)
    # 80 % of 480 = 384 business minutes = 6 h 24
    assert prewarn == local(2026, 11, 23, 16, 24)


def test_dispatch_late_on_friday_runs_into_monday() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=OFFICE)
    accept, work, prewarn = sla.on_dispatch(local(2026, 11, 27, 17, 15), terms)
    assert accept == local(2026, 11, 30, 8, 45)  # 15 minutes Friday, 15 minutes Monday
    assert work == local(2026, 11, 30, 12, 15)
    assert prewarn == local(2026, 11, 30, 11, 27)  # 192 minutes


def test_dispatch_at_night_and_at_the_weekend_starts_at_opening() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=OFFICE)
    assert sla.on_dispatch(local(2026, 11, 24, 2), terms)[:2] == (
        local(2026, 11, 24, 9),
        local(2026, 11, 24, 12, 30),
    )
    assert sla.on_dispatch(local(2026, 11, 28, 15), terms)[:2] == (
        local(2026, 11, 30, 9),
        local(2026, 11, 30, 12, 30),
    )


def test_national_day_and_adjusted_saturday_with_the_real_2026_schedule() -> None:
    calendar = china_2026()
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=calendar)
    # Wednesday 30 September 16:00: 90 minutes that day, then 1–7 October are holidays
    accept, work, _prewarn = sla.on_dispatch(local(2026, 9, 30, 16), terms)
    assert accept == local(2026, 9, 30, 16, 30)
    assert work == local(2026, 10, 8, 11)
    # Friday 9 October 17:00 + 4 h: 30 minutes, then the adjusted working Saturday 10 October
    assert sla.on_dispatch(local(2026, 10, 9, 17), terms)[1] == local(2026, 10, 10, 12)
    # Saturday 19 September evening: Sunday 20 September is an adjusted working day
    assert sla.on_dispatch(local(2026, 9, 19, 20), terms)[0] == local(2026, 9, 20, 9)


def test_spring_festival_2026_is_skipped() -> None:
    calendar = china_2026()
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["high"], calendar=calendar)
    # Friday 13 February 17:00; Saturday 14 February is an adjusted working day (9 h), then
    # 15–23 February are holidays: 30 + 450 minutes end on the Saturday at 16:00.
    assert sla.on_dispatch(local(2026, 2, 13, 17), terms)[1] == local(2026, 2, 14, 16)
    # Saturday 14 February 17:00: 30 minutes, then Tuesday 24 February
    assert sla.on_dispatch(local(2026, 2, 14, 17), terms)[1] == local(2026, 2, 24, 16)


def test_netops_around_the_clock_adds_plain_time_over_holidays() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=ALWAYS)
    start = local(2026, 10, 1, 23, 50)  # National Day, late evening
    assert sla.on_dispatch(start, terms) == (
        start + timedelta(minutes=30),
        start + timedelta(hours=4),
        start + timedelta(minutes=192),
    )


def test_field_station_works_until_eight_in_the_evening() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=FIELD)
    _accept, work, _prewarn = sla.on_dispatch(local(2026, 11, 23, 18), terms)
    assert work == local(2026, 11, 24, 10)  # 2 h Monday evening, 2 h Tuesday from 08:00


def test_hold_and_resume_example() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=OFFICE)
    dispatched = local(2026, 11, 23, 10)
    _accept, work, prewarn = sla.on_dispatch(dispatched, terms)
    assert work == local(2026, 11, 23, 14)
    # held at 11:00: 180 minutes left, whatever happens while pending
    remaining = sla.on_hold(local(2026, 11, 23, 11), work, OFFICE)
    assert remaining == 180
    # resumed on Wednesday 16:00: 90 minutes that day, 90 on Thursday
    resumed_due, resumed_prewarn = sla.on_resume(
        local(2026, 11, 25, 16), remaining, terms.limit_minutes, OFFICE
    )
    assert resumed_due == local(2026, 11, 26, 10)
    # 48 minutes of the limit were left after the warning: it fires 132 minutes after resuming
    assert resumed_prewarn == local(2026, 11, 26, 9, 12)  # 90 on Wednesday, 42 on Thursday
    assert prewarn == local(2026, 11, 23, 13, 12)


def test_hold_after_the_deadline_leaves_nothing_and_resume_warns_no_more() -> None:
    work = local(2026, 11, 23, 14)
    assert sla.on_hold(local(2026, 11, 23, 15), work, OFFICE) == 0
    due, prewarn = sla.on_resume(local(2026, 11, 23, 16), 0, LIMITS["urgent"], OFFICE)
    assert due == local(2026, 11, 23, 16)
    assert prewarn is None


def test_callback_is_due_24_wall_clock_hours_after_the_reply() -> None:
    friday_evening = local(2026, 10, 1, 19)
    assert sla.callback_due(friday_evening) == local(2026, 10, 2, 19)


@pytest.mark.parametrize(
    ("ticket_type", "severity", "hours"),
    [
        ("fault", "urgent", 4),
        ("fault", "normal", 24),
        ("complaint", "high", 24),
        ("request", "urgent", 8),
        ("suggestion", "low", 168),
    ],
)
def test_resolution_promise_is_wall_clock_from_creation(
    ticket_type: str, severity: str, hours: int
) -> None:
    created = local(2026, 10, 1, 22)  # a holiday night: the promise does not care
    assert sla.resolution_due(created, ticket_type, severity) == created + timedelta(hours=hours)


def test_promise_rules_cover_every_type_and_severity_and_grow_with_lower_severity() -> None:
    for ticket_type in ("fault", "complaint", "inquiry", "request", "suggestion"):
        hours = [sla.RESOLUTION_HOURS[ticket_type][s] for s in ("urgent", "high", "normal", "low")]
        assert hours == sorted(hours) and hours[0] > 0


def test_prewarn_minutes_are_80_percent_rounded_up() -> None:
    assert sla.prewarn_minutes(240) == 192
    assert sla.prewarn_minutes(480) == 384
    assert sla.prewarn_minutes(1) == 1
    assert sla.prewarn_minutes(7) == 6  # 5.6 → 6


def test_current_due_per_status() -> None:
    d: dict[str, Any] = {
        "accept_due_at": local(2026, 11, 23, 10, 30),
        "work_due_at": local(2026, 11, 23, 14),
        "prewarn_at": local(2026, 11, 23, 13, 12),
        "callback_due_at": local(2026, 11, 24, 15),
        "resolution_due_at": local(2026, 11, 23, 18),
    }
    assert Deadlines(status="dispatched", **d).current_due() == d["accept_due_at"]
    assert Deadlines(status="in_progress", **d).current_due() == d["work_due_at"]
    assert Deadlines(status="replied", **d).current_due() == d["callback_due_at"]
    assert Deadlines(status="new", **d).current_due() == d["resolution_due_at"]
    assert Deadlines(status="expert", **d).current_due() == d["resolution_due_at"]
    assert Deadlines(status="pending", **d).current_due() is None
    assert Deadlines(status="closed", **d).current_due() is None
    assert Deadlines(status="cancelled", **d).current_due() is None


# --- strategies ---------------------------------------------------------------------------

WINDOW_START, WINDOW_END = date(2026, 9, 1), date(2027, 3, 31)
DAYS = st.dates(min_value=WINDOW_START, max_value=WINDOW_END)


@st.composite
def office_calendars(draw: st.DrawFn) -> WorkCalendar:
    """Calendars with working hours (random), holidays and adjusted working days (random)."""
    opening = draw(st.integers(0, 18 * 4)) * 15
    length = draw(st.integers(4, (24 * 60 - opening) // 15 - 1)) * 15
    closing = opening + length
    weekends = [
        WINDOW_START + timedelta(days=n)
        for n in range((WINDOW_END - WINDOW_START).days)
        if (WINDOW_START + timedelta(days=n)).weekday() >= 5
    ]
    return WorkCalendar(
        tz=draw(st.sampled_from([SHANGHAI, URUMQI])),
        day_start=time(opening // 60, opening % 60),
        day_end=time(closing // 60, closing % 60),
        holidays=frozenset(draw(st.sets(DAYS, max_size=60))),
        extra_workdays=frozenset(draw(st.sets(st.sampled_from(weekends), max_size=8))),
    )


office_like = st.one_of(office_calendars(), st.just(OFFICE), st.just(FIELD), st.just(china_2026()))
any_calendar = st.one_of(office_like, st.just(ALWAYS))

MINUTE_0 = datetime(2026, 9, 1, tzinfo=UTC)
# Instants on whole minutes (the clock of an office: nights, weekends, holidays included) and
# instants with seconds (the clock of a real request).
whole_minutes = st.integers(0, 180 * 24 * 60).map(lambda m: MINUTE_0 + timedelta(minutes=m))
instants = st.one_of(
    whole_minutes,
    st.datetimes(
        min_value=datetime(2026, 9, 1),  # noqa: DTZ001 (hypothesis attaches the zone)
        max_value=datetime(2027, 2, 28),  # noqa: DTZ001
        timezones=st.just(UTC),
    ),
)
night_or_weekend = whole_minutes.filter(
    lambda t: t.astimezone(SHANGHAI).weekday() >= 5 or not 8 <= t.astimezone(SHANGHAI).hour < 18
)
limits = st.one_of(st.sampled_from(sorted(LIMITS.values())), st.integers(1, 6000))


@st.composite
def station_terms(draw: st.DrawFn, calendars: st.SearchStrategy[WorkCalendar]) -> StationTerms:
    return StationTerms(
        accept_minutes=draw(st.integers(1, 240)),
        limit_minutes=draw(limits),
        calendar=draw(calendars),
    )


def within_working_hours(at: datetime, calendar: WorkCalendar) -> bool:
    """Whether a deadline lies in a working window: after opening, at closing at the latest."""
    here = at.astimezone(calendar.tz)
    clock = here.timetz().replace(tzinfo=None)
    return calendar.is_workday(here.date()) and calendar.day_start < clock <= calendar.day_end


# --- properties of dispatch deadlines -----------------------------------------------------


@given(at=instants, terms=station_terms(any_calendar))
def test_dispatch_deadlines_spend_exactly_the_stations_minutes(
    at: datetime, terms: StationTerms
) -> None:
    accept, work, prewarn = sla.on_dispatch(at, terms)
    calendar = terms.calendar
    assert at <= accept and at <= prewarn <= work
    assert business_minutes_between(at, accept, calendar) == terms.accept_minutes
    assert business_minutes_between(at, work, calendar) == terms.limit_minutes
    assert business_minutes_between(at, prewarn, calendar) == sla.prewarn_minutes(
        terms.limit_minutes
    )


@given(limit=st.integers(1, 100_000))
def test_prewarn_is_the_first_whole_minute_at_or_after_80_percent(limit: int) -> None:
    share = sla.prewarn_minutes(limit)
    assert share == math.ceil(limit * 0.8)
    assert limit * 0.8 <= share < limit * 0.8 + 1
    assert share <= limit


@given(at=instants, terms=station_terms(any_calendar))
def test_prewarn_comes_before_work_is_due_when_the_limit_allows(
    at: datetime, terms: StationTerms
) -> None:
    _accept, work, prewarn = sla.on_dispatch(at, terms)
    if terms.limit_minutes >= 5:  # 80 % rounded up is below the limit from 5 minutes on
        assert prewarn < work


@given(at=instants, terms=station_terms(office_like))
def test_office_deadlines_never_fall_outside_working_hours(
    at: datetime, terms: StationTerms
) -> None:
    for deadline in sla.on_dispatch(at, terms):
        assert within_working_hours(deadline, terms.calendar), deadline.astimezone(SHANGHAI)


@given(at=night_or_weekend, terms=station_terms(st.just(OFFICE)))
def test_night_and_weekend_dispatch_counts_from_the_next_opening(
    at: datetime, terms: StationTerms
) -> None:
    opening = add_business_minutes(at, 0, OFFICE)
    here = opening.astimezone(SHANGHAI)
    assert opening > at
    assert here.timetz().replace(tzinfo=None) == time(8, 30) and OFFICE.is_workday(here.date())
    assert opening - at < timedelta(days=4)  # a weekend night at most
    accept, work, prewarn = sla.on_dispatch(at, terms)
    assert accept == add_business_minutes(opening, terms.accept_minutes, OFFICE)
    assert work == add_business_minutes(opening, terms.limit_minutes, OFFICE)
    assert prewarn == add_business_minutes(
        opening, sla.prewarn_minutes(terms.limit_minutes), OFFICE
    )


@given(at=instants, m=st.integers(0, 20_000), holidays=st.sets(DAYS, max_size=30))
def test_around_the_clock_adds_plain_time_whatever_the_holidays(
    at: datetime, m: int, holidays: set[date]
) -> None:
    calendar = WorkCalendar(tz=SHANGHAI, always_open=True, holidays=frozenset(holidays))
    terms = StationTerms(accept_minutes=30, limit_minutes=m or 1, calendar=calendar)
    accept, work, prewarn = sla.on_dispatch(at, terms)
    assert accept == at + timedelta(minutes=30)
    assert work == at + timedelta(minutes=m or 1)
    assert prewarn == at + timedelta(minutes=sla.prewarn_minutes(m or 1))


@given(at=instants, terms=station_terms(office_like), holiday=DAYS)
def test_a_further_holiday_never_brings_a_deadline_forward(
    at: datetime, terms: StationTerms, holiday: date
) -> None:
    calendar = terms.calendar
    assume(holiday not in calendar.extra_workdays)
    more_holidays = WorkCalendar(
        tz=calendar.tz,
        day_start=calendar.day_start,
        day_end=calendar.day_end,
        holidays=calendar.holidays | {holiday},
        extra_workdays=calendar.extra_workdays,
    )
    before = sla.on_dispatch(at, terms)
    after = sla.on_dispatch(
        at, StationTerms(terms.accept_minutes, terms.limit_minutes, more_holidays)
    )
    assert all(a >= b for a, b in zip(after, before, strict=True))


# --- properties of the stopped clock ------------------------------------------------------


@given(dispatched=whole_minutes, terms=station_terms(any_calendar), used=st.integers(0, 7000))
def test_hold_then_immediate_resume_keeps_the_work_deadline(
    dispatched: datetime, terms: StationTerms, used: int
) -> None:
    calendar, limit = terms.calendar, terms.limit_minutes
    _accept, work, prewarn = sla.on_dispatch(dispatched, terms)
    held = add_business_minutes(dispatched, min(used, limit - 1), calendar) if limit > 1 else work
    assume(held < work)
    remaining = sla.on_hold(held, work, calendar)
    assert remaining == limit - business_minutes_between(dispatched, held, calendar)
    resumed_work, resumed_prewarn = sla.on_resume(held, remaining, limit, calendar)
    assert resumed_work == work
    if held < prewarn:
        assert resumed_prewarn == prewarn
    else:
        assert resumed_prewarn is None


@given(dispatched=instants, terms=station_terms(any_calendar), seconds=st.integers(0, 10**7))
def test_hold_and_resume_at_any_second_keep_the_deadline_to_the_minute(
    dispatched: datetime, terms: StationTerms, seconds: int
) -> None:
    calendar = terms.calendar
    _accept, work, _prewarn = sla.on_dispatch(dispatched, terms)
    held = dispatched + timedelta(seconds=seconds)
    assume(held < work)
    resumed_work, _ = sla.on_resume(
        held, sla.on_hold(held, work, calendar), terms.limit_minutes, calendar
    )
    # whole business minutes are kept, the seconds rounded up: the station loses nothing
    assert resumed_work >= work
    assert business_time_between(work, resumed_work, calendar) < timedelta(minutes=1)


def test_a_hold_in_the_minute_before_the_warning_keeps_the_warning() -> None:
    terms = StationTerms(accept_minutes=30, limit_minutes=LIMITS["urgent"], calendar=OFFICE)
    _accept, work, prewarn = sla.on_dispatch(local(2026, 11, 23, 10), terms)
    assert prewarn == local(2026, 11, 23, 13, 12)
    held = prewarn - timedelta(seconds=30)  # not warned yet
    remaining = sla.on_hold(held, work, OFFICE)
    assert remaining == 49  # 48 minutes 30 seconds, rounded up
    resumed = local(2026, 11, 24, 9)
    due, warning = sla.on_resume(resumed, remaining, terms.limit_minutes, OFFICE)
    assert warning == resumed + timedelta(minutes=1)
    assert due == resumed + timedelta(minutes=49)
    # held at the warning's instant (the warning has fired): nothing more to warn about
    assert sla.on_resume(resumed, sla.on_hold(prewarn, work, OFFICE), 240, OFFICE)[1] is None


@given(
    dispatched=whole_minutes,
    terms=station_terms(any_calendar),
    used=st.integers(0, 7000),
    pending=st.integers(0, 60 * 24 * 30),
)
def test_time_spent_pending_does_not_count(
    dispatched: datetime, terms: StationTerms, used: int, pending: int
) -> None:
    calendar, limit = terms.calendar, terms.limit_minutes
    _accept, work, _prewarn = sla.on_dispatch(dispatched, terms)
    held = add_business_minutes(dispatched, min(used, limit), calendar)
    resumed = held + timedelta(minutes=pending)
    new_work, new_prewarn = sla.on_resume(
        resumed, sla.on_hold(held, work, calendar), limit, calendar
    )
    worked_before = business_minutes_between(dispatched, held, calendar)
    worked_after = business_minutes_between(resumed, new_work, calendar)
    assert worked_before + worked_after == limit
    assert new_work >= work  # waiting on the customer never brings the deadline forward
    # the business time between the old and the new deadline is the business time pending
    assert business_minutes_between(work, new_work, calendar) <= business_minutes_between(
        held, resumed, calendar
    )
    if new_prewarn is not None:
        used_at_warning = worked_before + business_minutes_between(resumed, new_prewarn, calendar)
        assert used_at_warning == sla.prewarn_minutes(limit)
        assert new_prewarn <= new_work
    else:
        assert worked_before >= sla.prewarn_minutes(limit)


@given(
    at=instants,
    remaining=st.integers(0, 7000),
    limit=limits,
    calendar=any_calendar,
)
def test_resume_prewarns_only_while_before_80_percent(
    at: datetime, remaining: int, limit: int, calendar: WorkCalendar
) -> None:
    remaining = min(remaining, limit)
    work, prewarn = sla.on_resume(at, remaining, limit, calendar)
    assert work == add_business_minutes(at, remaining, calendar)
    used = limit - remaining
    if used < sla.prewarn_minutes(limit):
        assert prewarn is not None and prewarn <= work
        assert business_minutes_between(at, prewarn, calendar) == sla.prewarn_minutes(limit) - used
    else:
        assert prewarn is None


@given(held=instants, work=instants, calendar=any_calendar)
def test_hold_leaves_the_business_minutes_to_the_deadline(
    held: datetime, work: datetime, calendar: WorkCalendar
) -> None:
    remaining = sla.on_hold(held, work, calendar)
    assert remaining >= 0
    if work <= held:
        assert remaining == 0
    else:
        assert remaining <= math.ceil((work - held) / timedelta(minutes=1))
        whole = business_minutes_between(held, work, calendar)
        assert whole <= remaining <= whole + 1


# --- properties of callback and promise deadlines -----------------------------------------


@given(at=instants)
def test_callback_due_is_plain_24_hours(at: datetime) -> None:
    assert sla.callback_due(at) - at == timedelta(hours=24)


@given(
    at=instants,
    ticket_type=st.sampled_from(sorted(sla.RESOLUTION_HOURS)),
    severity=st.sampled_from(["urgent", "high", "normal", "low"]),
)
def test_resolution_due_follows_the_rules_as_data(
    at: datetime, ticket_type: str, severity: str
) -> None:
    due = sla.resolution_due(at, ticket_type, severity)
    assert due - at == timedelta(hours=sla.RESOLUTION_HOURS[ticket_type][severity])


# --- properties of Deadlines: events, missed, next_after ----------------------------------

STATUSES = (
    "new",
    "expert",
    "dispatched",
    "in_progress",
    "pending",
    "replied",
    "closed",
    "cancelled",
)
maybe_instant = st.one_of(st.none(), whole_minutes)


@st.composite
def deadlines(draw: st.DrawFn) -> Deadlines:
    return Deadlines(
        status=draw(st.sampled_from(STATUSES)),
        accept_due_at=draw(maybe_instant),
        work_due_at=draw(maybe_instant),
        prewarn_at=draw(maybe_instant),
        callback_due_at=draw(maybe_instant),
        resolution_due_at=draw(maybe_instant),
        prewarned=draw(st.booleans()),
    )


EXPECTED_STAGES = {
    "new": {"resolution"},
    "expert": {"resolution"},
    "dispatched": {"accept", "work", "prewarn", "resolution"},
    "in_progress": {"work", "prewarn", "resolution"},
    "pending": {"resolution"},  # the station's clock stands still
    "replied": {"callback"},  # the reply keeps the promise; the callback confirms it
    "closed": set(),
    "cancelled": set(),
}
FIELD_OF = {
    "accept": "accept_due_at",
    "work": "work_due_at",
    "prewarn": "prewarn_at",
    "callback": "callback_due_at",
    "resolution": "resolution_due_at",
}


@given(d=deadlines())
def test_events_are_the_running_deadlines_of_the_status(d: Deadlines) -> None:
    events = d.events()
    stages = [stage for stage, _due in events]
    assert len(stages) == len(set(stages))
    expected = {
        stage
        for stage in EXPECTED_STAGES[d.status]
        if getattr(d, FIELD_OF[stage]) is not None and not (stage == "prewarn" and d.prewarned)
    }
    assert set(stages) == expected
    for stage, due in events:
        assert due == getattr(d, FIELD_OF[stage])


def happened(stage: str, due: datetime, at: datetime) -> bool:
    """A deadline is missed once it has passed; the pre-warning fires at its instant."""
    return due <= at if stage == "prewarn" else due < at


TICK = timedelta(microseconds=1)


@given(d=deadlines(), at=whole_minutes)
def test_missed_and_next_after_split_the_events_at_an_instant(d: Deadlines, at: datetime) -> None:
    events = d.events()
    missed = d.missed(at)
    assert missed == [(stage, due) for stage, due in events if happened(stage, due, at)]
    pending = [(stage, due) for stage, due in events if not happened(stage, due, at)]
    assert len(missed) + len(pending) == len(events)
    nxt = d.next_after(at)
    if not pending:
        assert nxt is None
        return
    assert nxt is not None and nxt > at  # the scan that just ran never has to look again
    # nothing new is missed before the next check, something is at it
    assert d.missed(nxt - TICK) == missed
    assert len(d.missed(nxt)) > len(missed)
    assert nxt == min(due if stage == "prewarn" else due + TICK for stage, due in pending)


def test_a_stage_done_exactly_at_its_deadline_is_in_time() -> None:
    due = local(2026, 11, 23, 10, 30)
    d = Deadlines(
        status="dispatched",
        accept_due_at=due,
        work_due_at=local(2026, 11, 23, 14),
        prewarn_at=due,
        resolution_due_at=local(2026, 11, 23, 18),
    )
    # at 10:30 the accept is not late yet, the warning fires
    assert d.missed(due) == [("prewarn", due)]
    assert d.next_after(due) == due + TICK  # the scan looks again once 10:30 has passed
    assert d.missed(due + TICK) == [("accept", due), ("prewarn", due)]
    assert d.next_after(due + TICK) == local(2026, 11, 23, 14) + TICK
    assert d.next_after(due - TICK) == due  # the warning comes first
    assert Deadlines(status="closed", resolution_due_at=due).next_after(due) is None


@given(at=instants, terms=station_terms(any_calendar), created=instants)
@settings(max_examples=50)
def test_a_fresh_dispatch_is_checked_first_at_its_earliest_deadline(
    at: datetime, terms: StationTerms, created: datetime
) -> None:
    accept, work, prewarn = sla.on_dispatch(at, terms)
    resolution = sla.resolution_due(min(at, created), "fault", "normal")
    d = Deadlines(
        status="dispatched",
        accept_due_at=accept,
        work_due_at=work,
        prewarn_at=prewarn,
        resolution_due_at=resolution,
    )
    assert d.current_due() == accept
    # at the dispatch only the customer's promise can have run out already
    assert {stage for stage, _due in d.missed(at)} <= {"resolution"}
    ahead = [accept + TICK, work + TICK, prewarn, resolution + TICK]
    assert d.next_after(at) == min(when for when in ahead if when > at)
