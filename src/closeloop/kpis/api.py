"""KPI endpoints (/api/v1/kpis): the catalogue with targets, target versions, values."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from closeloop.auth.deps import work_requiring
from closeloop.kit.timefmt import IsoDate, iso_text
from closeloop.kpis import service, targets
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["kpis"])

Reader = Annotated[Work, Depends(work_requiring("kpis.read"))]
Setter = Annotated[Work, Depends(work_requiring("kpis.targets"))]
# A date (midnight in CLOSELOOP_TIMEZONE) or an ISO 8601 instant.
DateOrTime = Annotated[date | datetime, BeforeValidator(iso_text)]


class TargetIn(BaseModel):
    """A new target version: its value and the day it takes effect."""

    model_config = ConfigDict(extra="forbid")

    value: Decimal = Field(allow_inf_nan=False, max_digits=14, decimal_places=4)
    since: IsoDate


@router.get("/kpis")
def list_kpis(work: Reader, lang: str = "zh-CN") -> list[dict[str, Any]]:
    """Every KPI with its definition, target in force and next target."""
    return service.catalogue_out(work.session, work.today(), lang)


@router.put("/kpis/{code}/target")
def set_target(code: str, body: TargetIn, work: Setter) -> dict[str, Any]:
    """Add a target version (the old ones are kept); the KPI as `GET /api/v1/kpis` shows it."""
    targets.set_target(work.session, work.actor, code, body.value, body.since, clock=work.clock)
    return next(k for k in service.catalogue_out(work.session, work.today()) if k["code"] == code)


@router.get("/kpis/{code}/targets")
def target_history(code: str, work: Reader) -> dict[str, Any]:
    """Every version of a KPI's target, oldest first."""
    targets.kpi(code)
    rows = targets.versions(work.session, code)
    return {
        "code": code,
        "items": [
            {
                "value": float(r.value),
                "since": r.since.isoformat(),
                "set_by": r.set_by,
                "set_at": r.set_at.isoformat(),
            }
            for r in rows
        ],
    }


@router.get("/kpis/values")
def kpi_values(
    work: Reader,
    codes: str | None = None,
    start: Annotated[DateOrTime | None, Query(alias="from", description="inclusive")] = None,
    end: Annotated[DateOrTime | None, Query(alias="to", description="exclusive")] = None,
    by: str | None = None,
    exact: Annotated[bool, Query(description="recompute from the histories")] = False,
) -> dict[str, Any]:
    """Values of the KPIs over [from, to), whole or grouped, with numerator and denominator."""
    chosen = service.parse_codes(codes)
    grouping = service.parse_by(by)
    period = service.period_of(work, start, end)
    found = service.values_for(work, work.actor, chosen, period, grouping, exact=exact)
    return {"items": [v.as_dict() for v in found]}
