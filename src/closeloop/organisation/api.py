"""Stations, calendars and taxonomies: reading them, and changing calendars (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from closeloop.auth.deps import require
from closeloop.http.deps import DbSession
from closeloop.kit.actor import Actor
from closeloop.organisation import business_settings, calendars, service
from closeloop.organisation.schemas import DaysIn, SettingIn, WeekIn
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["organisation"])

Reader = Annotated[Actor, Depends(require("org.read"))]


@router.get("/stations")
def list_stations(session: DbSession, _actor: Reader) -> list[dict[str, Any]]:
    """Back-end stations with their per-severity time limits (ISO 8601 durations)."""
    return [service.station_out(s) for s in service.list_stations(session)]


@router.get("/stations/{code}/calendar")
def station_calendar(code: str, session: DbSession, _actor: Reader) -> dict[str, Any]:
    """A station's business calendar with holidays and adjusted working days."""
    station = service.get_station(session, code)
    return service.calendar_out(session, station.calendar_code)


@router.get("/departments")
def list_departments(session: DbSession, _actor: Reader) -> list[dict[str, str]]:
    """Departments."""
    return [{"code": d.code, "name": d.name} for d in service.list_departments(session)]


@router.get("/taxonomy/categories")
def list_categories(
    session: DbSession, _actor: Reader, level: Annotated[int | None, Query(ge=1, le=3)] = None
) -> list[dict[str, Any]]:
    """The three-level fault/complaint category taxonomy."""
    return [service.taxonomy_out(c) for c in service.list_categories(session, level)]


@router.get("/taxonomy/causes")
def list_causes(session: DbSession, _actor: Reader) -> list[dict[str, Any]]:
    """The fault-cause taxonomy."""
    return [service.taxonomy_out(c) for c in service.list_causes(session)]


Manager = Annotated[Actor, Depends(require("org.manage"))]


@router.get("/calendars/{code}")
def get_calendar(code: str, session: DbSession, _actor: Reader) -> dict[str, Any]:
    """A business calendar: weekly hours, holidays and adjusted working days, loaded years."""
    return {
        **service.calendar_out(session, code),
        "schedules": calendars.schedule_years(session, code),
    }


@router.post("/calendars/{code}/days")
def set_calendar_days(
    code: str, body: DaysIn, session: DbSession, actor: Manager
) -> dict[str, Any]:
    """Add or change holidays and adjusted working days (e.g. next year's State Council
    schedule); running deadlines at the calendar's stations move with it."""
    work = Work.of(session).acting_as(actor)
    entries = [
        calendars.DayEntry(
            d.date,
            calendars.KINDS[d.kind],
            d.name or calendars.DEFAULT_NAMES[calendars.KINDS[d.kind]],
        )
        for d in body.days
    ]
    return calendars.set_days(work, [code], entries).as_dict()


@router.put("/calendars/{code}/hours")
def set_calendar_hours(
    code: str, body: WeekIn, session: DbSession, actor: Manager
) -> dict[str, Any]:
    """Replace the weekly opening hours (several intervals a day, e.g. a lunch break)."""
    work = Work.of(session).acting_as(actor)
    week = calendars.parse_week(
        {day: [(i.start, i.end) for i in ivs] for day, ivs in body.week.items()}
    )
    calendars.set_hours(work, code, week)
    return service.calendar_out(session, code)


@router.get("/settings")
def list_business_settings(session: DbSession, actor: Manager) -> list[dict[str, Any]]:
    """Business settings (quiet hours, daily caps, delivery limits, service promises) with
    their defaults and who changed them."""
    return business_settings.list_settings(Work.of(session).acting_as(actor))


@router.put("/settings/{key}")
def change_business_setting(
    key: str, body: SettingIn, session: DbSession, actor: Manager
) -> dict[str, Any]:
    """Change a business setting; it applies to the next piece of work."""
    return business_settings.change(Work.of(session).acting_as(actor), key, body.value)


@router.delete("/settings/{key}")
def reset_business_setting(key: str, session: DbSession, actor: Manager) -> dict[str, Any]:
    """Put a business setting back to its default."""
    return business_settings.reset(Work.of(session).acting_as(actor), key)
