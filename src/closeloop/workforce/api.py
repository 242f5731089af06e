"""Workforce endpoints under /api/v1/wfm: volumes, quiet periods, forecast, intraday, agents'
states and the roster. Thin handlers over the workforce services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from enum import IntEnum
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BeforeValidator

from closeloop.auth.deps import work_requiring
from closeloop.kit.errors import Forbidden
from closeloop.kit.timefmt import IsoDate, iso_text
from closeloop.runtime.work import Work
from closeloop.workforce import intraday, planning, quiet, roster, states
from closeloop.workforce.forecast import ForecastError
from closeloop.workforce.schemas import RosterIn, RosterOut, StateIn, StateOut
from closeloop.workforce.staffing import build_roster
from closeloop.workforce.volumes import volumes

router = APIRouter(prefix="/api/v1/wfm", tags=["workforce"])

Reader = Annotated[Work, Depends(work_requiring("wfm.read"))]
Planner = Annotated[Work, Depends(work_requiring("wfm.plan"))]
StateWriter = Annotated[Work, Depends(work_requiring("wfm.state"))]


class Minutes(IntEnum):
    """The interval lengths volumes and forecasts come in."""

    QUARTER = 15
    HALF = 30
    HOUR = 60


Interval = Annotated[Minutes, Query(description="minutes per interval: 15, 30 or 60")]
# A date (midnight in CLOSELOOP_TIMEZONE) or an ISO 8601 time (without an offset: local).
DateOrTime = Annotated[date | datetime, BeforeValidator(iso_text)]
From = Annotated[DateOrTime | None, Query(alias="from", description="inclusive")]
To = Annotated[DateOrTime | None, Query(alias="to", description="exclusive")]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORTS: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}, XLSX: {}}}
}


def _instant(value: date | datetime, tz: ZoneInfo) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), tz)
    return value if value.tzinfo else value.replace(tzinfo=tz)


def _window(
    work: Work, start: date | datetime | None, end: date | datetime | None
) -> tuple[datetime, datetime]:
    stop = _instant(end, work.tz) if end else work.now()
    return (_instant(start, work.tz) if start else stop - timedelta(days=28)), stop


@router.get("/volumes")
def list_volumes(
    work: Reader,
    start: From = None,
    end: To = None,
    interval: Interval = Minutes.HALF,
    channel: str | None = None,
) -> dict[str, Any]:
    """Contacts by interval and channel (imported history where held, else recorded)."""
    first, last = _window(work, start, end)
    found = volumes(work.session, first, last, int(interval), work.tz, channel)
    return {
        "interval_minutes": int(interval),
        "items": [
            {"interval_start": v.interval_start.astimezone(work.tz).isoformat(),
             "channel": v.channel, "contacts": v.contacts}
            for v in found
        ],
    }  # fmt: skip


@router.get("/quiet")
def quiet_periods(
    work: Reader,
    start: From = None,
    end: To = None,
    channel: str | None = None,
) -> dict[str, Any]:
    """Quiet days of the month and week and quiet hours of the day (Qingdao)."""
    first, last = _window(work, start, end)
    found = quiet.quiet_periods(
        ((v.interval_start, v.contacts) for v in volumes(
            work.session, first, last, 60, work.tz, channel)),
        work.tz,
    )  # fmt: skip
    return {
        name: [{"period": q.period, "index": round(q.index, 3)} for q in getattr(found, name)]
        for name in ("days_of_month", "weekdays", "hours")
    }


@router.get("/forecast")
def forecast(
    work: Reader,
    horizon: Annotated[int, Query(ge=1, le=5000)] = 48,
    interval: Interval = Minutes.HALF,
    channel: str | None = None,
) -> dict[str, Any]:
    """The next open intervals' contacts, forecast from the database (none without history)."""
    try:
        points = planning.forecast_recorded(work, horizon, int(interval), channel)
    except ForecastError:
        points = []
    return {
        "interval_minutes": int(interval),
        "items": [
            {"interval_start": p.start.astimezone(work.tz).isoformat(),
             "contacts": round(p.contacts, 2)}
            for p in points
        ],
    }  # fmt: skip


@router.get("/intraday")
def intraday_view(
    work: Reader, interval: Interval = Minutes.HALF, channel: str | None = None
) -> dict[str, Any]:
    """Today: actual versus forecast contacts, required versus signed-in agents."""
    view = intraday.today(work, int(interval), channel)
    return {
        "interval_minutes": view.interval_minutes,
        "ratio": round(view.ratio, 3),
        "items": [
            {
                "interval_start": r.start.astimezone(work.tz).isoformat(),
                "forecast": round(r.forecast, 2),
                "actual": r.actual,
                "reforecast": round(r.reforecast, 2),
                "required": r.required,
                "required_now": r.required_now,
                "signed_in": r.signed_in,
            }
            for r in view.rows
        ],
    }


def _state_out(row: Any) -> StateOut:
    return StateOut(
        id=str(row.id), agent=row.agent, state=row.state, started_at=row.started_at,
        ended_at=row.ended_at, source=row.source,
    )  # fmt: skip


@router.post("/agent-states", status_code=201)
def record_state(body: StateIn, work: StateWriter) -> StateOut:
    """Record an agent's state (their own; someone else's needs wfm.plan)."""
    agent = body.agent or work.actor.username
    if agent != work.actor.username and not work.actor.can("wfm.plan"):
        raise Forbidden("only supervisors record another agent's state")
    return _state_out(
        states.record_state(work, agent, body.state, at=body.at, source="api", call_id=body.call_id)
    )


@router.get("/occupancy")
def occupancy(
    work: Reader,
    start: From = None,
    end: To = None,
) -> dict[str, Any]:
    """Each agent's time per state, occupancy and adherence to the published roster."""
    first, last = _window(work, start, end)
    shares = states.time_in_states(work, first, last)
    adherence = roster.adherence(work, first, last)
    return {
        "items": [
            {
                "agent": s.agent,
                "seconds": {k: round(v) for k, v in s.seconds.items()},
                "occupancy": round(s.occupancy, 3),
                "adherence": adherence.get(s.agent),
            }
            for s in shares
        ]
    }


@router.post("/roster", status_code=201)
def publish_roster(body: RosterIn, work: Planner) -> RosterOut:
    """Build a roster with CP-SAT and publish it (replaces those days' roster)."""
    return build_roster(work, body)


@router.get("/roster", responses=EXPORTS)
def get_roster(
    work: Reader,
    start: Annotated[IsoDate, Query(alias="from")],
    end: Annotated[IsoDate | None, Query(alias="to", description="inclusive")] = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Any:
    """The published roster per agent and day, as JSON, CSV or XLSX."""
    table = roster.rows(roster.shifts(work, start, end or start + timedelta(days=6)), work.tz)
    if format == "csv":
        return Response(
            roster.to_csv(table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="roster.csv"'},
        )
    if format == "xlsx":
        return Response(
            roster.to_xlsx(table),
            media_type=XLSX,
            headers={"Content-Disposition": 'attachment; filename="roster.xlsx"'},
        )  # fmt: skip
    return {"items": table}
