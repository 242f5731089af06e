"""Staffing a day of 48 half-hour intervals: ours (Erlang C and Erlang A) against pyworkforce's
Erlang C (linear search, the baseline), in the same run. Prints seconds and the ratio.

    python -m benchmarks.wfm_erlang [--days 20]
"""

from __future__ import annotations

import argparse
import math
import time

from pyworkforce.queuing import ErlangC

from closeloop.workforce.erlang import Demand, staff_day


def day_profile(peak: float) -> list[float]:
    """48 half-hours of a hotline's day: quiet nights, morning and afternoon peaks."""
    return [
        peak * (0.05 + 0.95 * max(0.0, math.sin(math.pi * (i - 14) / 30)) ** 1.5) for i in range(48)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--days", type=int, default=20, help="days staffed per method")
    args = parser.parse_args()
    days = [day_profile(200 + 60 * d) for d in range(args.days)]

    started = time.perf_counter()
    baseline = [
        [ErlangC(c, 4.0, 20 / 60, 30, 0.3).required_positions(0.8)["raw_positions"] for c in day]
        for day in days
    ]
    pyworkforce_s = time.perf_counter() - started

    started = time.perf_counter()
    ours = [
        [p.agents for p, _ in staff_day([Demand(c, 240, 1800) for c in day], 0.3)] for day in days
    ]
    erlang_c_s = time.perf_counter() - started
    assert ours == baseline, "Erlang C disagrees with pyworkforce"

    started = time.perf_counter()
    for day in days:
        staff_day([Demand(c, 240, 1800, patience=120) for c in day], 0.3)
    erlang_a_s = time.perf_counter() - started

    per_day = {
        k: v / args.days
        for k, v in (
            ("pyworkforce", pyworkforce_s),
            ("erlang_c", erlang_c_s),
            ("erlang_a", erlang_a_s),
        )
    }
    print(f"days of 48 intervals: {args.days}, peak 200–{200 + 60 * (args.days - 1)} per half hour")
    for name, seconds in per_day.items():
        print(f"  {name:12s} {seconds * 1000:8.2f} ms per day")
    print(
        f"Erlang C speed-up over pyworkforce: {per_day['pyworkforce'] / per_day['erlang_c']:.1f}×"
    )
    print(f"Erlang A day / 1 s budget: {per_day['erlang_a']:.3f}")


if __name__ == "__main__":
    main()
