"""The visit window's rules (上门预约): not in the past, ordered, within the station's hours."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from closeloop.organisation.calendar import WorkCalendar
from closeloop.tickets.appointment_rules import window_problem, window_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
OFFICE = WorkCalendar(tz=SHANGHAI, day_start=time(8, 30), day_end=time(17, 30))


def local(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def test_a_window_in_the_stations_hours_is_accepted() -> None:
    assert window_problem(local(23, 14), local(23, 16), NOW, OFFICE) is None
    assert window_problem(local(24, 8, 30), local(24, 16, 30), NOW, OFFICE) is None


def test_each_fault_names_its_field() -> None:
    assert window_problem(local(23, 9), local(23, 11), NOW, OFFICE) == (
        "start",
        "the visit cannot start in the past",
    )
    assert window_problem(local(23, 15), local(23, 14), NOW, OFFICE)[0] == "end"  # type: ignore[index]
    assert window_problem(local(23, 15), local(23, 15, 5), NOW, OFFICE)[0] == "end"  # type: ignore[index]
    assert window_problem(local(24, 9, 30), local(24, 17, 30), NOW, OFFICE) is None
    assert window_problem(local(24, 8), local(24, 12), NOW, OFFICE)[0] == "start"  # type: ignore[index]


def test_outside_business_hours_or_on_a_closed_day_is_refused() -> None:
    evening = window_problem(local(23, 17), local(23, 19), NOW, OFFICE)
    saturday = window_problem(local(28, 10), local(28, 12), NOW, OFFICE)
    assert evening is not None and "business hours" in evening[1]
    assert saturday is not None and "business hours" in saturday[1]


def test_a_station_open_around_the_clock_takes_any_hour() -> None:
    always = WorkCalendar(tz=SHANGHAI, always_open=True)
    assert window_problem(local(28, 22), local(28, 23), NOW, always) is None
    assert window_problem(local(28, 22), local(28, 23), NOW, None) is None
    assert window_problem(local(23, 12), local(23, 12) + timedelta(hours=9), NOW, always) == (
        "end",
        "the visit window may last at most 8 hours",
    )


def test_the_customer_reads_the_window_in_local_time() -> None:
    start = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert window_text(start, start + timedelta(hours=2), SHANGHAI) == "11月23日14:00–16:00"
    assert (
        window_text(start, start + timedelta(hours=12), SHANGHAI) == "11月23日14:00–11月24日02:00"
    )
