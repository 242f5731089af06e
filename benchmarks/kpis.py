"""KPI values for a month over many tickets on PostgreSQL: rollups against raw GROUP BY.

Loads N tickets (default 20,000; the issue's figure is 10,000,000: `--tickets 10000000`)
created over one month into a migrated, seeded PostgreSQL with set-based SQL (generate_series,
in chunks of `--chunk` tickets behind a progress bar), each with a history —
resolved at once (40 %), escalated and dispatched to a station that replies and the
callback closes (45 %, one in nine of them returned first), or left open — then builds the
day rollups (`closeloop report rebuild`: set-based, one INSERT … SELECT per KPI and month;
timed) and measures, for the whole month and each grouping, the eight contract KPIs:
- from the day rollups (what `GET /api/v1/kpis/values` reads for whole days), p50/p95;
- recomputed with a GROUP BY over the raw tables (`exact=true`), p50/p95, in the same run;
and prints the ratio; then the console page /console/kpis for that month (every KPI of the
catalogue with its daily sparkline) through `closeloop serve`, p50/p95 of the server time.
Targets: p95 < 2 s per grouping at 10 million tickets, the console page under 1 s.

    nice -n 10 .venv/bin/python -m benchmarks.kpis [--tickets N] [--repeat R] [--chunk N]
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from rich.progress import MofNCompleteColumn, Progress
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from benchmarks.console import console_client
from benchmarks.console import timed as page_timed
from benchmarks.support import live_server, percentile, postgres_database, run_cli
from closeloop.kpis.periods import GROUPINGS, Period
from closeloop.kpis.rebuild import rebuild
from closeloop.kpis.values import kpi_values

CONTRACT = ["fcr", "preprocessing_rate", "misroute_rate", "reopen_rate", "callback_satisfaction",
            "complaints_per_10k", "sla_attainment", "avg_resolution_hours"]  # fmt: skip
STATIONS = ("wireless", "netops", "billing", "vas", "field")
TZ = ZoneInfo("Asia/Shanghai")
MONTH = Period(datetime(2027, 3, 1, tzinfo=TZ).astimezone(UTC),
               datetime(2027, 4, 1, tzinfo=TZ).astimezone(UTC), TZ)  # fmt: skip
SECONDS = 31 * 86400

TICKETS = """
INSERT INTO tickets (number, status, version, customer_id, channel, type, category, severity,
    title, description, region, station, created_by, prewarned, reopen_count, return_count,
    first_contact_resolved, resolution_due_at, sort_due_at, created_at, updated_at)
SELECT 'KP' || n, CASE WHEN n % 20 < 8 OR n % 20 < 17 THEN 'closed' ELSE 'new' END, 2,
    :c0 + (n % :span), (ARRAY['hotline','online','app','sms','social','store'])[1 + n % 6],
    CASE WHEN n % 50 = 0 THEN 'complaint' ELSE 'fault' END, 'signal/indoor/weak', 'normal',
    '室内信号弱', '压测数据', (ARRAY['长沙市','株洲市','湘潭市','衡阳市','岳阳市'])[1 + n % 5],
    CASE WHEN n % 20 >= 8 AND n % 20 < 17
         THEN (ARRAY['wireless','netops','billing','vas','field'])[1 + n % 5] END,
    'agent' || (n % 200), false, 0, 0, n % 20 < 8,
    t + interval '3 days', t + interval '3 days', t, t
FROM (SELECT n, CAST(:start AS timestamptz) + make_interval(secs => (n * 7919) % :seconds) AS t
      FROM generate_series(CAST(:first AS bigint), :last) AS n) AS g
"""

EVENTS = """
INSERT INTO ticket_events (ticket_id, at, actor, action, from_status, to_status, station, note)
SELECT id, created_at + make_interval(mins => step * 30), actor, action, f, s, st, ''
FROM (
  SELECT t.id, t.created_at, t.station AS st, v.step, v.action, v.f, v.s, v.actor
  FROM tickets t, LATERAL (VALUES
    (0, 'create', NULL, 'new', t.created_by, true),
    (1, 'resolve', 'new', 'closed', t.created_by, t.first_contact_resolved),
    (1, 'escalate', 'new', 'expert', t.created_by, t.station IS NOT NULL),
    (2, 'dispatch', 'expert', 'dispatched', 'expert', t.station IS NOT NULL),
    (3, 'return', 'dispatched', 'expert', t.station, t.station IS NOT NULL AND t.id % 9 = 0),
    (4, 'dispatch', 'expert', 'dispatched', 'expert', t.station IS NOT NULL AND t.id % 9 = 0),
    (5, 'accept', 'dispatched', 'in_progress', t.station, t.station IS NOT NULL),
    (6, 'reply', 'in_progress', 'replied', t.station, t.station IS NOT NULL),
    (7, 'callback', 'replied', 'closed', 'callback', t.station IS NOT NULL)
  ) AS v(step, action, f, s, actor, happens)
  WHERE v.happens AND t.id > :after AND t.number LIKE 'KP%'
) AS e
ORDER BY id, step
"""


def load(url: str, count: int, chunk: int) -> float:
    """Insert the tickets and their histories, a chunk per transaction; seconds taken."""
    engine = create_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        c0, c1 = conn.execute(text("SELECT min(id), max(id) FROM customers")).one()
    with Progress(*Progress.get_default_columns(), MofNCompleteColumn()) as bar:
        task = bar.add_task("tickets", total=count)
        for first in range(1, count + 1, chunk):
            last = min(first + chunk - 1, count)
            with engine.begin() as conn:
                after = conn.execute(text("SELECT coalesce(max(id), 0) FROM tickets")).scalar()
                span = {"first": first, "last": last, "span": c1 - c0 + 1}
                conn.execute(text(TICKETS), {"c0": c0, "start": MONTH.start, "seconds": SECONDS,
                                             **span})  # fmt: skip
                conn.execute(text(EVENTS), {"after": after})
            bar.update(task, completed=last)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def rebuilt(url: str) -> tuple[float, int]:
    """`report rebuild` (set-based), with a progress bar; seconds and rollups written."""
    engine = create_engine(url)
    with Session(engine) as session, Progress() as bar:
        task = bar.add_task("rollups", total=None)
        started = time.perf_counter()
        written = rebuild(session, TZ, lambda done, total: bar.update(task, completed=done,
                                                                        total=total))  # fmt: skip
        session.commit()
        spent = time.perf_counter() - started
    with engine.begin() as conn:
        conn.execute(text("ANALYZE kpi_rollups"))
    engine.dispose()
    return spent, written


def console_page(url: str, repeat: int) -> dict[str, float]:
    """Server time and round trip of /console/kpis for the month, signed in as a supervisor."""
    month = "/console/kpis?start=2027-03-01&end=2027-04-01"
    with live_server(url) as base:
        client = console_client(base, "supervisor")
        page_timed(client, month)  # the first request warms the process
        spent = [page_timed(client, month) for _ in range(repeat)]
        client.close()
    server, trip = [s for s, _ in spent], [t for _, t in spent]
    return {
        "page_server_p50_ms": round(percentile(server, 0.5), 1),
        "page_server_p95_ms": round(percentile(server, 0.95), 1),
        "page_round_trip_p95_ms": round(percentile(trip, 0.95), 1),
    }


def timed(session: Session, by: str | None, exact: bool, repeat: int) -> list[float]:
    """Seconds per computation of the eight KPIs for the month."""
    spent = []
    for _ in range(repeat):
        started = time.perf_counter()
        kpi_values(session, CONTRACT, MONTH, by, exact=exact)
        spent.append(time.perf_counter() - started)
        session.rollback()
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=20_000)
    parser.add_argument("--chunk", type=int, default=250_000, help="tickets per transaction")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--baseline-repeat", type=int, default=2)
    parser.add_argument("--page-repeat", type=int, default=10)
    args = parser.parse_args()
    with postgres_database("kpis") as url:
        run_cli(url, "seed", "--demo")
        loaded = load(url, args.tickets, args.chunk)
        rebuild_s, rollups = rebuilt(url)
        report: dict[str, object] = {
            "tickets": args.tickets,
            "load_s": round(loaded, 1),
            "rebuild_s": round(rebuild_s, 1),
            "rollups": rollups,
        }
        print(json.dumps(report, ensure_ascii=False), flush=True)
        engine = create_engine(url)
        rows = []
        with Session(engine) as session:
            for by in (None, *GROUPINGS):
                fast = timed(session, by, False, args.repeat)
                slow = timed(session, by, True, args.baseline_repeat)
                rows.append({
                    "by": by or "(whole month)",
                    "rollup_p50_ms": round(1000 * percentile(fast, 0.5), 1),
                    "rollup_p95_ms": round(1000 * percentile(fast, 0.95), 1),
                    "raw_p50_ms": round(1000 * percentile(slow, 0.5), 1),
                    "raw_p95_ms": round(1000 * percentile(slow, 0.95), 1),
                    "raw_over_rollup": round(percentile(slow, 0.5) / percentile(fast, 0.5), 1),
                })  # fmt: skip
                print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
        engine.dispose()
        report["groupings"] = rows
        report["console_kpis"] = console_page(url, args.page_repeat)
        print(json.dumps(report["console_kpis"]), flush=True)
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
