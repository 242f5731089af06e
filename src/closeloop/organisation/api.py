"""Stations and calendars: reading them, and changing them (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from closeloop.auth.deps import require
from closeloop.http.deps import DbSession
from closeloop.kit.actor import Actor
from closeloop.organisation import calendars, service, stations
from closeloop.organisation.schemas import DaysIn, MembersIn, StationIn, StationPatch, WeekIn
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["organisation"])

Reader = Annotated[Actor, Depends(require("org.read"))]


@router.get("/stations")
def list_stations(
    session: DbSession, _actor: Reader, retired: bool | None = None
) -> list[dict[str, Any]]:
    """Back-end stations with their per-severity time limits (ISO 8601 durations); retired
    ones show `retired: true` (`?retired=false` leaves them out, `?retired=true` lists only
    them)."""
    return [service.station_out(s) for s in service.list_stations(session, retired=retired)]


@router.get("/stations/{code}")
def get_station(code: str, session: DbSession, _actor: Reader) -> dict[str, Any]:
    """One station, as the list shows it."""
    return service.station_out(service.get_station(session, code))


@router.get("/stations/{code}/calendar")
def station_calendar(code: str, session: DbSession, _actor: Reader) -> dict[str, Any]:
    """A station's business calendar with holidays and adjusted working days."""
    station = service.get_station(session, code)
    return service.calendar_out(session, station.calendar_code)


@router.get("/departments")
def list_departments(session: DbSession, _actor: Reader) -> list[dict[str, str]]:
    """Departments."""
    return [{"code": d.code, "name": d.name} for d in service.list_departments(session)]


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


def _terms(body: StationPatch) -> stations.StationTerms:
    limits = body.time_limits.model_dump(exclude_unset=True) if body.time_limits else None
    return stations.parse_terms(
        name=body.name,
        department=body.department,
        calendar=body.calendar,
        accept_within=body.accept_within,
        time_limits=limits,
    )


@router.post("/stations", status_code=201)
def create_station(body: StationIn, session: DbSession, actor: Manager) -> dict[str, Any]:
    """A new back-end station (工位)."""
    work = Work.of(session).acting_as(actor)
    return service.station_out(stations.create_station(work, body.code, _terms(body)))


@router.patch("/stations/{code}")
def update_station(
    code: str, body: StationPatch, session: DbSession, actor: Manager
) -> dict[str, Any]:
    """Rename a station or change its time limits, accept time, calendar or department.
    Running deadlines keep the terms they were dispatched with; a new calendar moves them."""
    work = Work.of(session).acting_as(actor)
    return service.station_out(stations.update_station(work, code, _terms(body)))


@router.post("/stations/{code}/retire")
def retire_station(code: str, session: DbSession, actor: Manager) -> dict[str, Any]:
    """Retire a station: it keeps its history and receives no more dispatches."""
    work = Work.of(session).acting_as(actor)
    return service.station_out(stations.retire_station(work, code))


@router.get("/stations/{code}/members")
def station_members(code: str, session: DbSession, _actor: Reader) -> dict[str, Any]:
    """The users bound to a station."""
    return {"station": code, "members": stations.members(session, code)}


@router.put("/stations/{code}/members")
def set_station_members(
    code: str, body: MembersIn, session: DbSession, actor: Manager
) -> dict[str, Any]:
    """Replace the users bound to a station (those listed move here from their station)."""
    work = Work.of(session).acting_as(actor)
    return {"station": code, "members": stations.set_members(work, code, body.members)}
