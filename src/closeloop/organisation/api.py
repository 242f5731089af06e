"""Read endpoints for stations, calendars and taxonomies."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from closeloop.auth.deps import work_requiring
from closeloop.organisation import service
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
