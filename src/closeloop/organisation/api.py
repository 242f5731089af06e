"""Read endpoints for stations, calendars and taxonomies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from closeloop.auth.deps import require
from closeloop.http.deps import DbSession
from closeloop.kit.actor import Actor
from closeloop.organisation import service

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
