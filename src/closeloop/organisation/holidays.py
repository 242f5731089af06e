"""Chinese public holidays and adjusted working days (调休) for seeding station calendars."""

from __future__ import annotations

from datetime import date

import chinese_calendar
import holidays as world_holidays


def china_days(year: int) -> dict[date, tuple[bool, str]]:
    """Each exceptional day of a year: date → (is_workday, note).

    Uses the State Council schedule from `chinesecalendar` where it has the year (holidays and
    adjusted working days); beyond that, the statutory holidays from `holidays` (which cannot
    know adjusted working days before they are announced).
    """
    days: dict[date, tuple[bool, str]] = {}
    start, end = date(year, 1, 1), date(year, 12, 31)
    try:
        holiday_list = chinese_calendar.get_holidays(start, end, include_weekends=False)
        # include_weekends=True: adjusted working days (调休上班) are always weekend days, and
        # include_weekends=False would drop every one of them.
        workday_list = chinese_calendar.get_workdays(start, end, include_weekends=True)
    except NotImplementedError:
        for day, name in world_holidays.country_holidays("CN", years=year).items():
            if day.weekday() < 5:
                days[day] = (False, str(name)[:64])
        return days
    for day in holiday_list:
        days[day] = (False, _holiday_name(day))
    for day in workday_list:
        if day.weekday() >= 5:
            days[day] = (True, "调休上班")
    return days


def _holiday_name(day: date) -> str:
    _on_holiday, name = chinese_calendar.get_holiday_detail(day)
    return str(name or "节假日")


def has_official_schedule(year: int) -> bool:
    """Whether `chinesecalendar` holds the State Council schedule of the year."""
    try:
        chinese_calendar.get_holidays(date(year, 1, 1), date(year, 1, 31))
    except NotImplementedError:
        return False
    return True
