"""Business-time arithmetic over station calendars, and ISO 8601 durations of minutes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from closeloop.kit.durations import iso_to_minutes, minutes_to_iso
from closeloop.organisation.calendar import (
    WorkCalendar,
    add_business_minutes,
    business_minutes_between,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
URUMQI = ZoneInfo("Asia/Urumqi")
OFFICE = WorkCalendar(tz=SHANGHAI)  # 08:30–17:30, Monday–Friday
ALWAYS = WorkCalendar(tz=SHANGHAI, always_open=True)


def local(
    year: int, month: int, day: int, hour: int, minute: int = 0, tz: ZoneInfo = SHANGHAI
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


# --- examples -----------------------------------------------------------------------------


def test_office_hours_default_to_0830_1730() -> None:
    assert (OFFICE.day_start, OFFICE.day_end) == (time(8, 30), time(17, 30))


def test_minutes_within_a_working_day() -> None:
    start = local(2026, 11, 23, 10)  # Monday
    assert add_business_minutes(start, 90, OFFICE) == local(2026, 11, 23, 11, 30)
    assert business_minutes_between(start, local(2026, 11, 23, 11, 30), OFFICE) == 90


def test_friday_evening_runs_on_into_monday_morning() -> None:
    friday = local(2026, 11, 27, 17)  # 30 minutes before closing
    assert add_business_minutes(friday, 60, OFFICE) == local(2026, 11, 30, 9)
    assert business_minutes_between(friday, local(2026, 11, 30, 9), OFFICE) == 60


def test_deadline_at_closing_time_stays_on_the_same_day() -> None:
    assert add_business_minutes(local(2026, 11, 27, 17), 30, OFFICE) == local(2026, 11, 27, 17, 30)


def test_a_full_working_day_is_nine_hours() -> None:
    monday = local(2026, 11, 23, 8, 30)
    assert add_business_minutes(monday, 9 * 60, OFFICE) == local(2026, 11, 23, 17, 30)
    assert add_business_minutes(monday, 9 * 60 + 1, OFFICE) == local(2026, 11, 24, 8, 31)


def test_night_start_moves_to_opening() -> None:
    early = local(2026, 11, 24, 3)  # Tuesday 03:00
    assert add_business_minutes(early, 30, OFFICE) == local(2026, 11, 24, 9)
    late = local(2026, 11, 24, 22)  # Tuesday 22:00
    assert add_business_minutes(late, 30, OFFICE) == local(2026, 11, 25, 9)


def test_weekend_start_moves_to_monday_opening() -> None:
    saturday = local(2026, 11, 28, 11)
    assert add_business_minutes(saturday, 60, OFFICE) == local(2026, 11, 30, 9, 30)
    assert business_minutes_between(saturday, local(2026, 11, 30, 8, 30), OFFICE) == 0


def test_a_holiday_is_skipped() -> None:
    holiday = date(2026, 11, 24)  # Tuesday off
    calendar = WorkCalendar(tz=SHANGHAI, holidays=frozenset({holiday}))
    start = local(2026, 11, 23, 17)
    assert add_business_minutes(start, 60, calendar) == local(2026, 11, 25, 9)
    assert business_minutes_between(start, local(2026, 11, 25, 9), calendar) == 60
    assert not calendar.is_workday(holiday)


def test_national_day_week_is_skipped_and_adjusted_saturday_counts() -> None:
    national_day = frozenset(date(2026, 10, d) for d in range(1, 8))
    calendar = WorkCalendar(
        tz=SHANGHAI,
        holidays=national_day,
        extra_workdays=frozenset({date(2026, 9, 20), date(2026, 10, 10)}),
    )
    # Wednesday 30 September 17:00 + 2 h: 30 min that day, the rest on Thursday 8 October.
    start = local(2026, 9, 30, 17)
    assert add_business_minutes(start, 120, calendar) == local(2026, 10, 8, 10)
    # Friday 9 October 17:00 + 1 h runs into the adjusted working Saturday.
    assert add_business_minutes(local(2026, 10, 9, 17), 60, calendar) == local(2026, 10, 10, 9)


def test_an_adjusted_weekend_workday_counts() -> None:
    sunday = date(2026, 9, 20)
    calendar = WorkCalendar(tz=SHANGHAI, extra_workdays=frozenset({sunday}))
    assert calendar.is_workday(sunday)
    start = local(2026, 9, 19, 12)  # Saturday
    assert add_business_minutes(start, 60, calendar) == local(2026, 9, 20, 9, 30)
    assert business_minutes_between(start, local(2026, 9, 21, 8, 30), calendar) == 9 * 60
    assert business_minutes_between(start, local(2026, 9, 21, 8, 30), OFFICE) == 0


def test_hours_are_the_calendars_own_time_zone() -> None:
    urumqi = WorkCalendar(tz=URUMQI, day_start=time(10), day_end=time(19, 30))
    # 09:00 in Urumqi is 11:00 in Beijing; Urumqi opens at 10:00 local.
    start = local(2026, 11, 23, 9, tz=URUMQI)
    assert add_business_minutes(start, 30, urumqi) == local(2026, 11, 23, 10, 30, tz=URUMQI)
    assert add_business_minutes(start, 30, urumqi) == local(2026, 11, 23, 12, 30)


def test_always_open_adds_plainly() -> None:
    saturday_night = local(2026, 11, 28, 23, 45)
    assert add_business_minutes(saturday_night, 30, ALWAYS) == local(2026, 11, 29, 0, 15)
    assert add_business_minutes(saturday_night, 72 * 60, ALWAYS) == local(2026, 12, 1, 23, 45)
    assert business_minutes_between(saturday_night, local(2026, 11, 29, 0, 15), ALWAYS) == 30


def test_always_open_ignores_holidays() -> None:
    calendar = WorkCalendar(tz=SHANGHAI, always_open=True, holidays=frozenset({date(2026, 10, 1)}))
    start = local(2026, 10, 1, 12)
    assert add_business_minutes(start, 60, calendar) == local(2026, 10, 1, 13)


def test_between_is_zero_when_end_is_not_after_start() -> None:
    start = local(2026, 11, 23, 10)
    assert business_minutes_between(start, start, OFFICE) == 0
    assert business_minutes_between(start, start - timedelta(hours=1), OFFICE) == 0


def test_between_over_a_week() -> None:
    monday = local(2026, 11, 23, 8, 30)
    assert business_minutes_between(monday, monday + timedelta(days=7), OFFICE) == 5 * 9 * 60


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError):
        naive = datetime(2026, 11, 23, 10)  # noqa: DTZ001 — the input that must be refused
        add_business_minutes(naive, 10, OFFICE)


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError):
        add_business_minutes(local(2026, 11, 23, 10), -1, OFFICE)


def test_calendar_without_working_days_is_refused() -> None:
    everything_off = frozenset(date(2026, 1, 1) + timedelta(days=n) for n in range(4000))
    calendar = WorkCalendar(tz=SHANGHAI, holidays=everything_off)
    with pytest.raises(ValueError):
        add_business_minutes(local(2026, 1, 1, 9), 60, calendar)


# --- properties ---------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31))


@st.composite
def calendars(draw: st.DrawFn) -> WorkCalendar:
    """Office-hours calendars with random hours, holidays and adjusted workdays."""
    opening = draw(st.integers(0, 20 * 4)) * 15  # minutes after midnight
    length = draw(st.integers(4, (24 * 60 - opening) // 15 - 1)) * 15  # at least an hour
    closing = opening + length
    return WorkCalendar(
        tz=draw(st.sampled_from([SHANGHAI, URUMQI])),
        day_start=time(opening // 60, opening % 60),
        day_end=time(closing // 60, closing % 60),
        holidays=frozenset(draw(st.sets(DAYS, max_size=40))),
        extra_workdays=frozenset(draw(st.sets(DAYS, max_size=10))),
    )


any_calendar = st.one_of(calendars(), st.just(ALWAYS), st.just(OFFICE))
# hypothesis takes naive bounds and attaches the zone itself
starts = st.datetimes(
    min_value=datetime(2026, 1, 1),  # noqa: DTZ001
    max_value=datetime(2026, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
minutes = st.integers(0, 20_000)


@given(start=starts, m=minutes, calendar=any_calendar)
def test_deadline_is_never_before_start(start: datetime, m: int, calendar: WorkCalendar) -> None:
    assert add_business_minutes(start, m, calendar) >= start


@given(start=starts, m=minutes, calendar=any_calendar)
def test_between_undoes_add(start: datetime, m: int, calendar: WorkCalendar) -> None:
    end = add_business_minutes(start, m, calendar)
    assert business_minutes_between(start, end, calendar) == m


@given(start=starts, a=minutes, b=minutes, calendar=any_calendar)
def test_more_minutes_never_give_an_earlier_deadline(
    start: datetime, a: int, b: int, calendar: WorkCalendar
) -> None:
    low, high = sorted((a, b))
    assert add_business_minutes(start, low, calendar) <= add_business_minutes(start, high, calendar)


@given(start=starts, a=minutes, b=st.integers(1, 20_000), calendar=any_calendar)
def test_adding_in_two_steps_equals_adding_at_once(
    start: datetime, a: int, b: int, calendar: WorkCalendar
) -> None:
    step = add_business_minutes(start, a, calendar)
    assert add_business_minutes(step, b, calendar) == add_business_minutes(start, a + b, calendar)


@given(start=starts, m=st.integers(1, 20_000), calendar=calendars())
def test_a_deadline_falls_inside_working_hours(
    start: datetime, m: int, calendar: WorkCalendar
) -> None:
    end = add_business_minutes(start, m, calendar).astimezone(calendar.tz)
    assert calendar.is_workday(end.date())
    assert calendar.day_start < end.timetz().replace(tzinfo=None) <= calendar.day_end


@given(start=starts, end=starts, calendar=calendars())
def test_between_never_exceeds_the_wall_clock(
    start: datetime, end: datetime, calendar: WorkCalendar
) -> None:
    assume(end > start)
    elapsed = business_minutes_between(start, end, calendar)
    assert 0 <= elapsed <= (end - start).total_seconds() // 60


@given(start=starts, middle=starts, end=starts, calendar=calendars())
def test_between_adds_up_over_whole_minutes(
    start: datetime, middle: datetime, end: datetime, calendar: WorkCalendar
) -> None:
    start, middle, end = sorted(t.replace(second=0, microsecond=0) for t in (start, middle, end))
    assert business_minutes_between(start, middle, calendar) + business_minutes_between(
        middle, end, calendar
    ) == business_minutes_between(start, end, calendar)


@given(start=starts, m=minutes)
def test_always_open_is_wall_clock_time(start: datetime, m: int) -> None:
    assert add_business_minutes(start, m, ALWAYS) == start + timedelta(minutes=m)


@given(start=starts, m=minutes, calendar=calendars())
def test_the_answer_does_not_depend_on_the_starts_time_zone(
    start: datetime, m: int, calendar: WorkCalendar
) -> None:
    for zone in (SHANGHAI, URUMQI):
        assert add_business_minutes(start.astimezone(zone), m, calendar) == add_business_minutes(
            start, m, calendar
        )


# --- ISO 8601 durations -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(0, "PT0M"), (30, "PT30M"), (60, "PT1H"), (90, "PT1H30M"), (240, "PT4H"), (4320, "PT72H")],
)
def test_minutes_as_iso_durations(minutes: int, text: str) -> None:
    assert minutes_to_iso(minutes) == text
    assert iso_to_minutes(text) == minutes


@pytest.mark.parametrize(
    ("text", "minutes"), [("P1D", 1440), ("P1DT2H", 1560), ("PT45M", 45), ("P3DT0H5M", 4325)]
)
def test_iso_durations_with_days(text: str, minutes: int) -> None:
    assert iso_to_minutes(text) == minutes


@pytest.mark.parametrize("text", ["", "P", "PT", "4H", "PT4", "PT1.5H", "P1W", "PT4H ", "-PT4H"])
def test_malformed_durations_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        iso_to_minutes(text)


@given(st.integers(0, 10**7))
def test_durations_round_trip(minutes: int) -> None:
    text = minutes_to_iso(minutes)
    assert text.startswith("PT")
    assert "D" not in text  # business hours are not folded into days
    assert iso_to_minutes(text) == minutes
