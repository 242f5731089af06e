"""Scorecard weights as data (计分卡权重): per evaluated unit (a station's code, a region…),
with "*" for every unit without its own; a unit's new weights replace its old ones, audited."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import InvalidInput
from closeloop.kpis.catalogue import BY_CODE
from closeloop.kpis.models import ScorecardWeight

EVERY_UNIT = "*"
PERSPECTIVES = ("customer", "process", "people", "finance")


@dataclass(frozen=True)
class Weight:
    """One KPI's place in a scorecard: its perspective and weight."""

    code: str
    perspective: str
    weight: float

    def as_dict(self) -> dict[str, object]:
        """As the API writes it."""
        return {"code": self.code, "perspective": self.perspective, "weight": self.weight}


# A hotline station's card: the customer's view (satisfaction, not coming back), the process
# (time limits, overtime, speed, first contact), the people (routing right, quality); 100 in
# all. Creation KPIs (fcr, asa) have no station: they count on region, category, agent cards.
DEFAULT_WEIGHTS: tuple[Weight, ...] = (
    Weight("callback_satisfaction", "customer", 15),
    Weight("one_time_satisfaction", "customer", 10),
    Weight("csat", "customer", 10),
    Weight("reopen_rate", "customer", 5),
    Weight("sla_attainment", "process", 20),
    Weight("overtime_rate", "process", 15),
    Weight("avg_resolution_hours", "process", 10),
    Weight("fcr", "process", 5),
    Weight("misroute_rate", "people", 5),
    Weight("qa_score", "people", 5),
)


def sync_weights(session: Session) -> int:
    """Write the default weights for every unit when there are none (`closeloop migrate`)."""
    have = session.scalar(
        select(ScorecardWeight.code).where(ScorecardWeight.unit == EVERY_UNIT).limit(1)
    )
    if have is not None:
        return 0
    for w in DEFAULT_WEIGHTS:
        session.add(_row(EVERY_UNIT, w))
    return len(DEFAULT_WEIGHTS)


def _row(unit: str, w: Weight) -> ScorecardWeight:
    return ScorecardWeight(
        unit=unit, code=w.code, perspective=w.perspective, weight=Decimal(str(w.weight))
    )


def all_weights(session: Session) -> dict[str, list[Weight]]:
    """Every unit's weights (the defaults under "*"), in the order of the catalogue."""
    order = {code: i for i, code in enumerate(BY_CODE)}
    found: dict[str, list[Weight]] = {}
    for row in session.scalars(select(ScorecardWeight)):
        found.setdefault(row.unit, []).append(Weight(row.code, row.perspective, float(row.weight)))
    for weights in found.values():
        weights.sort(key=lambda w: order.get(w.code, len(order)))
    return found


def weights_of(table: dict[str, list[Weight]], unit: str) -> list[Weight]:
    """A unit's own weights, else the defaults."""
    return table.get(unit) or table.get(EVERY_UNIT) or list(DEFAULT_WEIGHTS)


def check(unit: str, items: list[Weight]) -> None:
    """422 naming the field of the first bad weight."""
    if not unit.strip() or len(unit) > 32:
        raise InvalidInput.field(["path", "unit"], "a unit code of 1–32 characters")
    if not items:
        raise InvalidInput.field(["body", "weights"], "at least one KPI")
    seen: set[str] = set()
    for i, w in enumerate(items):
        where: list[str | int] = ["body", "weights", i]
        if w.code not in BY_CODE:
            raise InvalidInput.field([*where, "code"], f"unknown KPI code {w.code!r}")
        if w.code in seen:
            raise InvalidInput.field([*where, "code"], f"{w.code} is listed twice")
        seen.add(w.code)
        if w.perspective not in PERSPECTIVES:
            raise InvalidInput.field(
                [*where, "perspective"], f"must be one of {', '.join(PERSPECTIVES)}"
            )
        if not 0 <= w.weight <= 1000:
            raise InvalidInput.field([*where, "weight"], "must be between 0 and 1000")
    if not sum(w.weight for w in items) > 0:
        raise InvalidInput.field(["body", "weights"], "the weights must not all be 0")


def set_weights(
    session: Session, actor: Actor, unit: str, items: list[Weight], *, clock: Clock = system_clock
) -> list[Weight]:
    """Replace a unit's weights (supervisor, admin); audited."""
    actor.require("kpis.targets")
    check(unit, items)
    session.execute(delete(ScorecardWeight).where(ScorecardWeight.unit == unit))
    for w in items:
        session.add(_row(unit, w))
    session.flush()
    summary = ", ".join(f"{w.code}={w.weight:g}" for w in items)
    audit.record(session, actor, "kpi.weights", "scorecard", unit, summary, clock=clock)
    return items


def reset_weights(
    session: Session, actor: Actor, unit: str, *, clock: Clock = system_clock
) -> None:
    """Drop a unit's own weights so the defaults apply again; audited."""
    actor.require("kpis.targets")
    if unit == EVERY_UNIT:
        raise InvalidInput.field(["path", "unit"], "the defaults can be changed, not removed")
    session.execute(delete(ScorecardWeight).where(ScorecardWeight.unit == unit))
    audit.record(session, actor, "kpi.weights", "scorecard", unit, "defaults", clock=clock)
