"""Targets with versions (目标值及版本): the value in force on a day, the next one announced,
and every version kept — a new target is a new row, never an overwrite."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import InvalidInput, NotFound
from closeloop.kpis.catalogue import BY_CODE, CATALOGUE, Kpi
from closeloop.kpis.models import KpiTarget

# The day the catalogue's starting targets take effect, and who set them.
STARTING_DAY = date(2026, 1, 1)
SYSTEM = "system"


@dataclass(frozen=True)
class Version:
    """A target value and the day it takes effect."""

    value: float
    since: date

    def as_dict(self) -> dict[str, object]:
        """As the API writes it."""
        return {"value": self.value, "since": self.since.isoformat()}


@dataclass(frozen=True)
class Targets:
    """A KPI's target in force and the next one announced."""

    current: Version | None
    next: Version | None


def sync_targets(session: Session) -> int:
    """Give every KPI without a target its starting one (`closeloop migrate`); how many."""
    have = set(session.scalars(select(KpiTarget.code).distinct()))
    missing = [k for k in CATALOGUE if k.code not in have]
    for kpi in missing:
        session.add(
            KpiTarget(
                code=kpi.code,
                value=kpi.target,
                since=STARTING_DAY,
                set_by=SYSTEM,
                set_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    return len(missing)


def kpi(code: str) -> Kpi:
    """The KPI with this code, or 404."""
    found = BY_CODE.get(code)
    if found is None:
        raise NotFound(f"no KPI {code!r}")
    return found


def versions(session: Session, code: str) -> list[KpiTarget]:
    """Every target version of a KPI, by the day it takes effect, then as set."""
    query = select(KpiTarget).where(KpiTarget.code == code)
    return list(session.scalars(query.order_by(KpiTarget.since, KpiTarget.id)))


def targets_on(session: Session, today: date) -> dict[str, Targets]:
    """Each KPI's target in force today and the next one (one query). Of two versions for the
    same day the later one counts."""
    rows = session.scalars(select(KpiTarget).order_by(KpiTarget.since, KpiTarget.id))
    current: dict[str, Version] = {}
    upcoming: dict[str, tuple[date, Version]] = {}
    for row in rows:
        version = Version(float(row.value), row.since)
        if row.since <= today:
            current[row.code] = version
        elif row.code not in upcoming or upcoming[row.code][0] == row.since:
            upcoming[row.code] = (row.since, version)
    return {
        k.code: Targets(current.get(k.code), upcoming[k.code][1] if k.code in upcoming else None)
        for k in CATALOGUE
    }


def set_target(
    session: Session,
    actor: Actor,
    code: str,
    value: Decimal,
    since: date,
    *,
    clock: Clock = system_clock,
) -> KpiTarget:
    """Add a target version (supervisor, admin); the old versions stay."""
    actor.require("kpis.targets")
    found = kpi(code)
    if found.unit == "ratio" and not Decimal(0) <= value <= Decimal(1):
        raise InvalidInput.field("value", "a rate is a fraction between 0 and 1")
    if found.unit != "score" and value < 0:
        raise InvalidInput.field("value", "must not be negative")
    row = KpiTarget(code=code, value=value, since=since, set_by=actor.username, set_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, actor, "kpi.target", "kpi", code, f"{value} since {since}", clock=clock)
    return row
