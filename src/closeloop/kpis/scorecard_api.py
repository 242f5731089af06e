"""Scorecard endpoints (/api/v1/kpis/scorecards): ranked cards per unit and their weights."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, ConfigDict, Field

from closeloop.auth.deps import work_requiring
from closeloop.kpis import named_periods, review, scorecards, weights
from closeloop.kpis.named_periods import month_of, week_of
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/kpis", tags=["kpis"])

Reader = Annotated[Work, Depends(work_requiring("kpis.read"))]
Setter = Annotated[Work, Depends(work_requiring("kpis.targets"))]


class WeightIn(BaseModel):
    """One KPI's perspective and weight on a card."""

    model_config = ConfigDict(extra="forbid")

    code: str
    perspective: str = "process"
    weight: float = Field(allow_inf_nan=False)


class WeightsIn(BaseModel):
    """A unit's weights (they replace its old ones)."""

    model_config = ConfigDict(extra="forbid")

    weights: list[WeightIn]


@router.get("/scorecards")
def list_scorecards(
    work: Reader, period: str | None = None, unit: str | None = None
) -> dict[str, Any]:
    """Every unit's balanced scorecard for a month (`2026-11`) or quarter (`2026-Q4`), ranked,
    with the previous period's score and rank; by default this month, by station."""
    kind = scorecards.parse_unit(unit)
    if period is None:
        named = month_of(work.today())
    else:
        named = named_periods.parse(period, ["query", "period"], ("month", "quarter", "week"))
    return scorecards.scorecards(work, named, kind).as_dict()


@router.get("/scorecards/weights")
def list_weights(work: Reader) -> dict[str, Any]:
    """Every unit's own weights and the defaults ("*")."""
    work.actor.require("kpis.read")
    table = weights.all_weights(work.session)
    return {
        "perspectives": list(weights.PERSPECTIVES),
        "items": [
            {"unit": unit, "weights": [w.as_dict() for w in table[unit]]} for unit in sorted(table)
        ],
    }


@router.put("/scorecards/weights/{unit}")
def put_weights(unit: str, body: WeightsIn, work: Setter) -> dict[str, Any]:
    """Replace a unit's weights ("*": the defaults); audited."""
    items = [weights.Weight(w.code, w.perspective, w.weight) for w in body.weights]
    weights.set_weights(work.session, work.actor, unit, items, clock=work.clock)
    return {"unit": unit, "weights": [w.as_dict() for w in items]}


@router.delete("/scorecards/weights/{unit}", status_code=204)
def delete_weights(unit: str, work: Setter) -> Response:
    """Drop a unit's own weights: the defaults apply again; audited."""
    weights.reset_weights(work.session, work.actor, unit, clock=work.clock)
    return Response(status_code=204)


@router.get("/review")
def weekly_review(work: Reader, week: str | None = None, lang: str = "zh-CN") -> dict[str, Any]:
    """The weekly review (`week` like 2026-W49, by default last week): Pareto of the problem
    categories and causes with cumulative shares and the change against the week before, and
    the hotspot regions."""
    if week is None:
        named = week_of(work.today()).previous()
    else:
        named = named_periods.parse(week, ["query", "week"], ("week",))
    return review.weekly_review(work, named, lang).as_dict()
