"""Special days for the forecast come from the stations' national calendar."""

from __future__ import annotations

from datetime import date

from closeloop.db.engine import Database
from closeloop.organisation.calendars import DayEntry, national_calendars, set_days
from closeloop.runtime.work import Work
from closeloop.workforce.days import calendar_kind, national_kind


def test_national_schedule_marks_holidays_and_adjusted_workdays() -> None:
    assert national_kind(date(2026, 10, 1)) == "holiday"
    assert national_kind(date(2026, 10, 14)) is None
    workdays = [
        d for d in (date(2026, 9, 27 + i) for i in range(4)) if national_kind(d) == "workday"
    ]
    assert all(d.weekday() >= 5 for d in workdays)


def test_the_stations_calendar_overrides_the_national_schedule(database: Database) -> None:
    with database.unit_of_work() as session:
        work = Work.of(session)
        code = national_calendars(session)[0]
        set_days(work, [code], [DayEntry.of(date(2026, 12, 31), "holiday", "年末盘点")])
        kind = calendar_kind(session)
        assert kind(date(2026, 12, 31)) == "holiday"
        assert kind(date(2026, 12, 30)) is None
