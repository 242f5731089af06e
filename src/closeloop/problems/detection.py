"""Running burst detection over the tickets (`closeloop problems detect`, the worker's job):
count the last two hours' tickets per place and top-level category in ten-minute bins, learn
each place's usual rate from the four weeks before, scan (kit.poisson_scan), and open a
problem for each burst — or extend the live one that covers it; then join open alarms.

Cells first: a region-level burst is looked for only where no cell of that region and
category burst already. Tickets already linked to a problem are explained and not counted.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from closeloop.kit import poisson_scan as detector
from closeloop.problems import alarms
from closeloop.problems.area import cells_of, covers, top_levels
from closeloop.problems.models import Problem, ProblemTicket
from closeloop.problems.service import ProblemSpec, extend_area, link_tickets, live_problems
from closeloop.problems.service import open_problem as open_one
from closeloop.runtime.work import Work
from closeloop.tickets.arrivals import Arrival, arrivals, counts_by_place, opening_times

BIN_MINUTES = 10
BINS = 12  # two hours looked at
HISTORY_DAYS = 28
PROFILE_SAMPLE = 20_000
LIMITS = detector.Thresholds()

# A place: ("cell", cell id) or ("region", region); with the top-level category.
Key = tuple[str, str, str]


@dataclass
class DetectionReport:
    """What one run did."""

    at: datetime
    bursts: int = 0
    opened: list[str] = field(default_factory=list)
    extended: list[str] = field(default_factory=list)
    alarms_joined: int = 0

    def as_dict(self) -> dict[str, object]:
        """The summary the CLI prints."""
        return {"at": self.at.isoformat(), "bursts": self.bursts, "opened": self.opened,
                "extended": self.extended, "alarms_joined": self.alarms_joined}  # fmt: skip


@dataclass(frozen=True)
class Found:
    """A burst at a place, with the tickets of its window and where they are."""

    key: Key
    region: str | None
    burst: detector.Burst
    ticket_ids: list[int]


def _explained(work: Work, ids: list[int]) -> set[int]:
    if not ids:
        return set()
    rows = work.session.scalars(
        select(ProblemTicket.ticket_id).where(ProblemTicket.ticket_id.in_(ids))
    )
    return set(rows)


def _history(work: Work, since: datetime, until: datetime, tops: dict[str, str]) -> Counter[Key]:
    counts: Counter[Key] = Counter()
    for row in counts_by_place(work.session, since, until):
        top = tops.get(row.category, row.category)
        if row.cell_id:
            counts["cell", row.cell_id, top] += row.count
        if row.region:
            counts["region", row.region, top] += row.count
    return counts


def _scan_place(
    key: Key, tickets: list[Arrival], start: datetime, history: int, context: _Context
) -> Found | None:
    observed = [0] * BINS
    for t in tickets:
        observed[min(BINS - 1, int((t.created_at - start) / timedelta(minutes=BIN_MINUTES)))] += 1
    expected = detector.expected_series(
        detector.daily_rate(history, HISTORY_DAYS), context.profile, context.bin_hours, BIN_MINUTES
    )
    burst = detector.scan(observed, expected, LIMITS)
    if burst is None:
        return None
    lo = start + timedelta(minutes=BIN_MINUTES * burst.start)
    hi = start + timedelta(minutes=BIN_MINUTES * burst.end)
    inside = [t for t in tickets if lo <= t.created_at < hi]
    return Found(key, tickets[0].region, burst, [t.id for t in inside])


@dataclass(frozen=True)
class _Context:
    profile: tuple[float, ...]
    bin_hours: list[int]


def find_bursts(work: Work, at: datetime) -> list[Found]:
    """The bursts in the two hours before `at`: cells first, then regions without one."""
    session, tz = work.session, work.tz
    start = at - timedelta(minutes=BIN_MINUTES * BINS)
    recent = arrivals(session, start, at)
    explained = _explained(work, [a.id for a in recent])
    recent = [a for a in recent if a.id not in explained]
    if len(recent) < LIMITS.min_count:
        return []
    tops = top_levels(session)
    groups: dict[Key, list[Arrival]] = defaultdict(list)
    for a in recent:
        top = tops.get(a.category, a.category)
        if a.cell_id:
            groups["cell", a.cell_id, top].append(a)
        if a.region:
            groups["region", a.region, top].append(a)
    since = start - timedelta(days=HISTORY_DAYS)
    history = _history(work, since, start, tops)
    hours = [t.astimezone(tz).hour for t in opening_times(session, since, start, PROFILE_SAMPLE)]
    bin_hours = [
        (start + timedelta(minutes=BIN_MINUTES * i)).astimezone(tz).hour for i in range(BINS)
    ]
    context = _Context(detector.hour_profile(hours), bin_hours)
    found: list[Found] = []
    for level in ("cell", "region"):
        for key, tickets in sorted(groups.items()):
            if key[0] != level or len(tickets) < LIMITS.min_count:
                continue
            if level == "region" and any(f.region == key[1] and f.key[2] == key[2] for f in found):
                continue
            burst = _scan_place(key, tickets, start, history[key], context)
            if burst is not None:
                found.append(burst)
    return found


def _evidence(found: Found) -> str:
    b = found.burst
    minutes = (b.end - b.start) * BIN_MINUTES
    return (
        f"{found.key[0]} {found.key[1]} {found.key[2]}: {b.observed} tickets in {minutes} min, "
        f"{b.expected:.2f} expected, p={b.p_value:.2e}"
    )


def _covering(problems: list[Problem], found: Found) -> Problem | None:
    level, place, top = found.key
    for p in problems:
        if p.category != top:
            continue
        cells = cells_of(p.cell_ids)
        if level == "cell" and covers(p.region, cells, found.region, place):
            return p
        if level == "region" and p.region == place and not cells:
            return p
    return None


def act_on(work: Work, found: Found, report: DetectionReport) -> None:
    """Open a problem for a burst, or link its tickets to the live problem that covers it."""
    level, place, top = found.key
    problem = _covering(live_problems(work.session), found)
    if problem is not None:
        link_tickets(work, problem, found.ticket_ids, how="burst")
        if level == "cell":
            extend_area(work, problem, [place], "burst")
        report.extended.append(problem.number or "")
        return
    where = f"基站{place}" if level == "cell" else place
    spec = ProblemSpec(
        title=f"投诉突增：{where} {top}类 {found.burst.observed}张工单", category=top,
        source="burst", region=found.region, cell_ids=[place] if level == "cell" else [],
        evidence=_evidence(found), ticket_ids=found.ticket_ids,
    )  # fmt: skip
    report.opened.append(open_one(work, spec, how="burst").number or "")


def detect(work: Work, at: datetime) -> DetectionReport:
    """Find bursts in the two hours before `at` and act on them; join open alarms."""
    report = DetectionReport(at=at)
    found = find_bursts(work, at)
    report.bursts = len(found)
    for burst in found:
        act_on(work, burst, report)
    for alarm in alarms.unattached_open(work.session):
        if alarms.attach(work, alarm, live_problems(work.session)) is not None:
            report.alarms_joined += 1
    return report
