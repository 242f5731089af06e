"""Feedback to the network (网络优化反馈): causes and time to restore by area and category,
cells whose problems recur, and the cells proposed for drive and call quality tests (DT/CQT)
with their complaint history, exported for the network team."""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.problems.area import cells_of, top_levels
from closeloop.problems.models import Problem
from closeloop.tickets.arrivals import arrivals

# A cell with this many problems in the period recurs; this many signal tickets make it a
# complaint hotspot worth a drive test even without a problem.
RECURRING = 2
HOTSPOT_TICKETS = 10
TESTED_CATEGORY = "signal"


@dataclass(frozen=True)
class CauseRow:
    """Problems resolved in one area and category with one cause, and their mean time to
    restore (hours from detection to resolution)."""

    region: str
    category: str
    cause_code: str
    problems: int
    mttr_hours: float


@dataclass(frozen=True)
class CellRow:
    """A cell proposed for DT/CQT: why, its problems and causes, its complaint history."""

    cell_id: str
    region: str
    reason: str
    problems: int
    causes: str
    tickets: int
    by_month: str


def _resolved(session: Session, since: datetime, until: datetime) -> list[Problem]:
    return list(
        session.scalars(
            select(Problem)
            .where(Problem.resolved_at >= since, Problem.resolved_at < until)
            .order_by(Problem.id)
        )
    )


def causes_and_mttr(session: Session, since: datetime, until: datetime) -> list[CauseRow]:
    """Problems resolved in [since, until) by region, category and cause, most first."""
    groups: dict[tuple[str, str, str], list[float]] = defaultdict(list)
    for p in _resolved(session, since, until):
        assert p.resolved_at is not None
        hours = (p.resolved_at - p.detected_at).total_seconds() / 3600
        groups[p.region or "-", p.category, p.cause_code or "-"].append(hours)
    rows = [CauseRow(r, c, cause, len(h), round(sum(h) / len(h), 2))
            for (r, c, cause), h in groups.items()]  # fmt: skip
    return sorted(rows, key=lambda row: (-row.problems, row.region, row.category, row.cause_code))


def _problems_by_cell(
    session: Session, since: datetime, until: datetime
) -> dict[str, list[Problem]]:
    found: dict[str, list[Problem]] = defaultdict(list)
    query = select(Problem).where(Problem.detected_at >= since, Problem.detected_at < until)
    for p in session.scalars(query.order_by(Problem.id)):
        for cell in cells_of(p.cell_ids):
            found[cell].append(p)
    return found


def proposals(session: Session, since: datetime, until: datetime, tz: ZoneInfo) -> list[CellRow]:
    """Cells proposed for DT/CQT: recurring problem cells and signal complaint hotspots, with
    their tickets of [since, until) by month, most complained-about first."""
    by_cell = _problems_by_cell(session, since, until)
    tops = top_levels(session)
    months: dict[str, Counter[str]] = defaultdict(Counter)
    regions: dict[str, str] = {}
    for a in arrivals(session, since, until):
        if a.cell_id and tops.get(a.category, a.category) == TESTED_CATEGORY:
            months[a.cell_id][f"{a.created_at.astimezone(tz):%Y-%m}"] += 1
            regions.setdefault(a.cell_id, a.region or "-")
    rows = []
    for cell in sorted(set(by_cell) | set(months)):
        problems, tickets = by_cell.get(cell, []), sum(months[cell].values())
        recurring, hotspot = len(problems) >= RECURRING, tickets >= HOTSPOT_TICKETS
        if not (recurring or hotspot):
            continue
        reason = "+".join(r for r, on in (("recurring", recurring), ("hotspot", hotspot)) if on)
        causes = Counter(p.cause_code for p in problems if p.cause_code)
        region = regions.get(cell) or (problems[0].region if problems else None) or "-"
        history = "; ".join(f"{m}:{n}" for m, n in sorted(months[cell].items()))
        rows.append(
            CellRow(
                cell_id=cell, region=region, reason=reason, problems=len(problems),
                causes="; ".join(f"{c}×{n}" for c, n in causes.most_common()),
                tickets=tickets, by_month=history,
            )
        )  # fmt: skip
    return sorted(rows, key=lambda r: (-r.problems, -r.tickets, r.cell_id))


def recurring_cells(rows: list[CellRow]) -> list[CellRow]:
    """The proposals whose problems recur."""
    return [r for r in rows if r.problems >= RECURRING]


CSV_HEADER = ("cell_id", "region", "reason", "problems", "causes", "tickets", "tickets_by_month")


def proposals_csv(rows: list[CellRow]) -> str:
    """The DT/CQT proposal list as CSV for the network team (UTF-8, header row)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for r in rows:
        writer.writerow((r.cell_id, r.region, r.reason, r.problems, r.causes, r.tickets,
                         r.by_month))  # fmt: skip
    return out.getvalue()
