"""Stations, calendars and taxonomies: reading them, and changing calendars (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from closeloop.auth.deps import work_requiring
from closeloop.organisation import business_settings, calendars, service
from closeloop.organisation.schemas import DaysIn, SettingIn, WeekIn
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["organisation"])

Reader = Annotated[Work, Depends(work_requiring("org.read"))]


@router.get("/stations")
def list_stations(work: Reader) -> list[dict[str, Any]]:
    """Back-end stations with their per-severity time limits (ISO 8601 durations)."""
    return [service.station_out(s) for s in service.list_stations(work.session)]


@router.get("/stations/{code}/calendar")
def station_calendar(code: str, work: Reader) -> dict[str, Any]:
    """A station's business calendar with holidays and adjusted working days."""
    station = service.get_station(work.session, code)
    return service.calendar_out(work.session, station.calendar_code)


@router.get("/departments")
def list_departments(work: Reader) -> list[dict[str, str]]:
    """Departments."""
    return [{"code": d.code, "name": d.name} for d in service.list_departments(work.session)]


@router.get("/taxonomy/categories")
def list_categories(
    work: Reader, level: Annotated[int | None, Query(ge=1, le=3)] = None
) -> list[dict[str, Any]]:
    """The three-level fault/complaint category taxonomy."""
    return [service.taxonomy_out(c) for c in service.list_categories(work.session, level)]


@router.get("/taxonomy/causes")
def list_causes(work: Reader) -> list[dict[str, Any]]:
    """The fault-cause taxonomy."""
    return [service.taxonomy_out(c) for c in service.list_causes(work.session)]


Manager = Annotated[Work, Depends(work_requiring("org.manage"))]


@router.get("/calendars/{code}")
def get_calendar(code: str, work: Reader) -> dict[str, Any]:
    """A business calendar: weekly hours, holidays and adjusted working days, loaded years."""
    return calendars.calendar_detail(work.session, code)


@router.post("/calendars/{code}/days")
def set_calendar_days(code: str, body: DaysIn, work: Manager) -> dict[str, Any]:
    """Add or change holidays and adjusted working days (e.g. next year's State Council
    schedule); running deadlines at the calendar's stations move with it."""
    entries = [calendars.DayEntry.of(d.date, d.kind, d.name) for d in body.days]
    return calendars.set_days(work, [code], entries).as_dict()


@router.put("/calendars/{code}/hours")
def set_calendar_hours(code: str, body: WeekIn, work: Manager) -> dict[str, Any]:
    """Replace the weekly opening hours (several intervals a day, e.g. a lunch break)."""
    hours: dict[str, list[tuple[str, str]]] = {
        day: [(i.start, i.end) for i in intervals] for day, intervals in body.week.items()
    }
    calendars.set_hours(work, code, calendars.parse_week(hours))
    return calendars.calendar_detail(work.session, code)


@router.get("/settings")
def list_business_settings(work: Manager) -> list[dict[str, Any]]:
    """Business settings (quiet hours, daily caps, delivery limits, service promises) with
    their defaults and who changed them."""
    return business_settings.list_settings(work)


@router.put("/settings/{key}")
def change_business_setting(key: str, body: SettingIn, work: Manager) -> dict[str, Any]:
    """Change a business setting; it applies to the next piece of work."""
    return business_settings.change(work, key, body.value)


@router.delete("/settings/{key}")
def reset_business_setting(key: str, work: Manager) -> dict[str, Any]:
    """Put a business setting back to its default."""
    return business_settings.reset(work, key)
