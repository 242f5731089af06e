"""Stations, calendars and business settings: reading them, and changing them (admin)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from closeloop.auth.deps import work_requiring
from closeloop.organisation import business_settings, calendars, service, stations, stewards
from closeloop.organisation.schemas import (
    DaysIn,
    MembersIn,
    SettingIn,
    StationIn,
    StationPatch,
    WeekIn,
)
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["organisation"])

Reader = Annotated[Work, Depends(work_requiring("org.read"))]
Manager = Annotated[Work, Depends(work_requiring("org.manage"))]


@router.get("/stations")
def list_stations(work: Reader, retired: bool | None = None) -> list[dict[str, Any]]:
    """Back-end stations with their per-severity time limits (ISO 8601 durations); retired
    ones show `retired: true` (`?retired=false` leaves them out, `?retired=true` lists only
    them)."""
    return [service.station_out(s) for s in service.list_stations(work.session, retired=retired)]


@router.get("/stations/{code}")
def get_station(code: str, work: Reader) -> dict[str, Any]:
    """One station, as the list shows it."""
    return service.station_out(service.get_station(work.session, code))


@router.get("/stations/{code}/calendar")
def station_calendar(code: str, work: Reader) -> dict[str, Any]:
    """A station's business calendar with holidays and adjusted working days."""
    station = service.get_station(work.session, code)
    return service.calendar_out(work.session, station.calendar_code)


@router.get("/departments")
def list_departments(work: Reader) -> list[dict[str, str]]:
    """Departments."""
    return [{"code": d.code, "name": d.name} for d in service.list_departments(work.session)]


# --- stations (admin) -----------------------------------------------------------------------


def _terms(body: StationPatch) -> stations.StationTerms:
    limits = body.time_limits.model_dump(exclude_unset=True) if body.time_limits else None
    return stations.parse_terms(
        name=body.name,
        name_en=body.name_en,
        department=body.department,
        calendar=body.calendar,
        accept_within=body.accept_within,
        time_limits=limits,
    )


@router.post("/stations", status_code=201)
def create_station(body: StationIn, work: Manager) -> dict[str, Any]:
    """A new back-end station (工位)."""
    return service.station_out(stations.create_station(work, body.code, _terms(body)))


@router.patch("/stations/{code}")
def update_station(code: str, body: StationPatch, work: Reader) -> dict[str, Any]:
    """Rename a station or change its time limits, accept time, calendar or department
    (admin; the station's head may change its calendar). Running deadlines keep the terms
    they were dispatched with; a new calendar moves them."""
    stewards.require_changes(work.actor, code, body.model_fields_set)
    return service.station_out(stations.update_station(work, code, _terms(body)))


@router.post("/stations/{code}/retire")
def retire_station(code: str, work: Manager) -> dict[str, Any]:
    """Retire a station: it keeps its history and receives no more dispatches."""
    return service.station_out(stations.retire_station(work, code))


@router.get("/stations/{code}/members")
def station_members(code: str, work: Reader) -> dict[str, Any]:
    """The users bound to a station."""
    return {"station": code, "members": stations.members(work.session, code)}


@router.put("/stations/{code}/members")
def set_station_members(code: str, body: MembersIn, work: Reader) -> dict[str, Any]:
    """Replace the users bound to a station (those listed move here from their station);
    admin, or the station's head for users bound to no other station."""
    stewards.require_members(work.session, work.actor, code, body.members)
    return {"station": code, "members": stations.set_members(work, code, body.members)}


# --- calendars (admin) ----------------------------------------------------------------------


@router.get("/calendars/{code}")
def get_calendar(code: str, work: Reader) -> dict[str, Any]:
    """A business calendar: weekly hours, holidays and adjusted working days, loaded years."""
    return calendars.calendar_detail(work.session, code)


@router.post("/calendars/{code}/days")
def set_calendar_days(code: str, body: DaysIn, work: Reader) -> dict[str, Any]:
    """Add or change holidays and adjusted working days (e.g. next year's State Council
    schedule); running deadlines at the calendar's stations move with it. Admin, or the head
    of the one station that follows the calendar."""
    stewards.require_calendar(work.session, work.actor, code)
    entries = [calendars.DayEntry.of(d.date, d.kind, d.name) for d in body.days]
    return calendars.set_days(work, [code], entries).as_dict()


@router.put("/calendars/{code}/hours")
def set_calendar_hours(code: str, body: WeekIn, work: Reader) -> dict[str, Any]:
    """Replace the weekly opening hours (several intervals a day, e.g. a lunch break); admin,
    or the head of the one station that follows the calendar."""
    stewards.require_calendar(work.session, work.actor, code)
    hours: dict[str, list[tuple[str, str]]] = {
        day: [(i.start, i.end) for i in intervals] for day, intervals in body.week.items()
    }
    calendars.set_hours(work, code, calendars.parse_week(hours))
    return calendars.calendar_detail(work.session, code)


# --- business settings (admin) --------------------------------------------------------------


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
