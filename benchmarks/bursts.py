"""Burst detection on simulated histories with injected bursts: the Poisson scan of
`closeloop.kit.poisson_scan` (as `problems.detection` runs it) against a naive fixed threshold,
in the same run on the same tickets.

A province of C cells (default 300) in R regions (default 12), each cell with its own usual
rate of "signal" tickets a day (log-normal: most cells see one every few days, a few busy city
cells dozens a day), shaped by
the hour of day (quiet nights, busy business hours) and by day-to-day swings (each cell-day's
rate times a gamma factor of 25 % spread: real demand is over-dispersed, which a plain Poisson
model does not know). Four weeks of history teach each cell its rate; then D days (default 30)
are watched. Bursts (default 30) are injected at random cells and times: 8–20 extra tickets
spread over 20–60 minutes, as when a site goes down and its customers call.

Every 10 minutes both detectors look at each cell's last two hours, then at each region's
(the sum of its cells) where no cell problem of that region is live:
- scan: `detector.scan` against `expected_series(daily_rate(last 28 days), hour profile)` with
  the thresholds of `problems.detection` (p < 1e-6, ≥ 5 tickets, ≥ 3× expectation);
- baseline: ≥ T tickets in 30 minutes at one cell or region (T = 6, and T = 10 for contrast).
A detection opens a problem that stays live for four hours (further detections at that cell
add to it). It is a true detection when its window overlaps an injected burst, a false problem
otherwise. Prints, per method: bursts found, false problems per 30 days, and minutes from the
burst's first extra ticket to its detection (median, 90th percentile).

    .venv/bin/python benchmarks/bursts.py [--cells C] [--regions R] [--days D] [--bursts B]
        [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from closeloop.kit import poisson_scan as detector  # noqa: E402
from closeloop.problems.detection import BIN_MINUTES, BINS, HISTORY_DAYS, LIMITS  # noqa: E402

PER_DAY = 24 * 60 // BIN_MINUTES
PER_HOUR = 60 // BIN_MINUTES
LIVE_BINS = 4 * PER_HOUR  # a problem stays live four hours
# share of a day's tickets by hour: quiet nights, a morning and an afternoon peak
SHAPE = np.array([0.3, 0.2, 0.15, 0.15, 0.2, 0.4, 0.8, 1.5, 2.5, 3.2, 3.4, 3.2, 2.6,
                  2.8, 3.1, 3.2, 3.0, 2.6, 2.2, 2.0, 1.8, 1.4, 0.9, 0.5])  # fmt: skip
PROFILE = SHAPE / SHAPE.sum()


@dataclass(frozen=True)
class Injected:
    """An injected burst: its cell, first and last bin, extra tickets."""

    cell: int
    first: int
    last: int
    size: int


@dataclass
class Outcome:
    """What one method found over the watched days."""

    name: str
    found: dict[int, int] = field(default_factory=dict)  # burst index → minutes to detection
    false_problems: int = 0
    seconds: float = 0.0


def simulate(cells: int, days: int, bursts: int, seed: int) -> tuple[np.ndarray, list[Injected]]:
    """Tickets per cell per bin over 28 + `days` days, and the bursts injected."""
    rng = np.random.default_rng(seed)
    total_days = HISTORY_DAYS + days
    rates = np.minimum(rng.lognormal(mean=math.log(0.4), sigma=1.6, size=cells), 150.0)
    swings = rng.gamma(16.0, 1 / 16.0, size=(cells, total_days))  # 25 % day-to-day spread
    per_bin = np.repeat(PROFILE, PER_HOUR) / PER_HOUR  # share of the day in each bin
    mean = (rates[:, None] * swings)[:, :, None] * per_bin[None, None, :]
    counts = rng.poisson(mean).reshape(cells, total_days * PER_DAY)
    injected = []
    start = HISTORY_DAYS * PER_DAY
    for _ in range(bursts):
        cell = int(rng.integers(cells))
        first = int(rng.integers(start, counts.shape[1] - 12))
        length = int(rng.integers(2, 7))  # 20–60 minutes
        size = int(rng.integers(8, 21))
        for b in rng.integers(first, first + length, size=size):
            counts[cell, b] += 1
        injected.append(Injected(cell, first, first + length - 1, size))
    return counts, injected


Detect = Callable[[np.ndarray, int, int], detector.Burst | None]


@dataclass(frozen=True)
class Places:
    """Rows of the count matrix: the cells, then the regions (each the sum of its cells)."""

    cells: list[np.ndarray]  # the cells of each row
    first_region: int


def with_regions(counts: np.ndarray, regions: int, seed: int) -> tuple[np.ndarray, Places]:
    """Cells grouped at random into `regions` regions; the matrix with the regions' rows added."""
    rng = np.random.default_rng(seed + 1)
    cell_count = counts.shape[0]
    region_of = rng.integers(regions, size=cell_count)
    rows = [counts[region_of == r].sum(axis=0) for r in range(regions)]
    members = [np.flatnonzero(region_of == r) for r in range(regions)]
    cells = [np.array([c]) for c in range(cell_count)] + members
    return np.vstack([counts, *rows]), Places(cells, cell_count)


def scan_method(counts: np.ndarray, history: np.ndarray) -> Detect:
    """The detector as problems.detection runs it, over a cell's last two hours before bin t."""
    hours = [(b % PER_DAY) // PER_HOUR for b in range(PER_DAY)]

    def run(window: np.ndarray, cell: int, t: int) -> detector.Burst | None:
        past = int(history[cell, t - BINS] - history[cell, t - BINS - HISTORY_DAYS * PER_DAY])
        bin_hours = [hours[b % PER_DAY] for b in range(t - BINS, t)]
        expected = detector.expected_series(
            detector.daily_rate(past, HISTORY_DAYS), tuple(PROFILE), bin_hours, BIN_MINUTES
        )
        return detector.scan([int(x) for x in window], expected, LIMITS)

    return run


def threshold_method(threshold: int) -> Detect:
    """The naive rule: `threshold` tickets in 30 minutes at one cell."""

    def run(window: np.ndarray, _cell: int, _t: int) -> detector.Burst | None:
        return detector.fixed_threshold([int(x) for x in window], threshold, 3)

    return run


def evaluate(
    name: str, counts: np.ndarray, places: Places, injected: list[Injected], method: Detect,
    least: int,
) -> Outcome:  # fmt: skip
    """Run `method` every bin over the watched days at every place (cells, then regions
    without a live cell problem) with ≥ `least` tickets in its window; score detections
    against the injected bursts (a region's detection is true when it overlaps a burst at one
    of its cells)."""
    started = time.perf_counter()
    outcome = Outcome(name)
    count, total = counts.shape
    sums = np.concatenate([np.zeros((count, 1), dtype=np.int64), counts.cumsum(axis=1)], axis=1)
    live_until = np.zeros(count, dtype=np.int64)
    for t in range(HISTORY_DAYS * PER_DAY + BINS, total + 1):
        totals = sums[:, t] - sums[:, t - BINS]
        for place in np.flatnonzero((totals >= least) & (live_until <= t)):
            cells = places.cells[place]
            if place >= places.first_region and (live_until[cells] > t).any():
                continue  # a cell problem of this region already covers it
            found = method(counts[place, t - BINS : t], int(place), t)
            if found is None:
                continue
            lo, hi = t - BINS + found.start, t - BINS + found.end - 1
            live_until[place] = t + LIVE_BINS
            hits = [i for i, b in enumerate(injected)
                    if b.cell in cells and lo <= b.last and b.first <= hi]  # fmt: skip
            if not hits:
                outcome.false_problems += 1
            for i in hits:
                outcome.found.setdefault(i, (t - injected[i].first) * BIN_MINUTES)
    outcome.seconds = time.perf_counter() - started
    return outcome


def summary(outcome: Outcome, bursts: int, days: int) -> dict[str, object]:
    """The figures of one method."""
    minutes = sorted(outcome.found.values())
    return {
        "method": outcome.name,
        "detected": f"{len(minutes)}/{bursts}",
        "detection_rate": round(len(minutes) / bursts, 3) if bursts else None,
        "false_problems_per_month": round(outcome.false_problems * 30 / days, 1),
        "minutes_to_detection_median": float(np.median(minutes)) if minutes else None,
        "minutes_to_detection_p90": float(np.percentile(minutes, 90)) if minutes else None,
        "seconds": round(outcome.seconds, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cells", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--bursts", type=int, default=30)
    parser.add_argument("--regions", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    cell_counts, injected = simulate(args.cells, args.days, args.bursts, args.seed)
    counts, places = with_regions(cell_counts, args.regions, args.seed)
    history = np.concatenate(
        [np.zeros((counts.shape[0], 1), dtype=np.int64), counts.cumsum(axis=1)], axis=1
    )
    watched = cell_counts[:, HISTORY_DAYS * PER_DAY :].sum()
    print(f"{args.cells} cells, {args.days} days watched, {watched} tickets, "
          f"{len(injected)} bursts injected", file=sys.stderr)  # fmt: skip
    runs = [
        ("poisson_scan", scan_method(counts, history), LIMITS.min_count),
        ("fixed_threshold_6_in_30min", threshold_method(6), 6),
        ("fixed_threshold_10_in_30min", threshold_method(10), 10),
    ]
    rows = [
        summary(evaluate(name, counts, places, injected, method, least), len(injected), args.days)
        for name, method, least in runs
    ]
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
