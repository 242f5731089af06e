"""SLA scan and a station's queue page with 1,000,000 tickets loaded.

Loads N tickets (default 1,000,000) straight into a migrated, seeded database with set-based
SQL — 70 % closed, the rest spread over every open status with deadlines from two days ago to
three days ahead, as a running system holds them (deadlines already past were scanned before,
so only future ones are pending) — then measures:
- `closeloop sla scan` a minute later, the work a worker does every minute, with the whole
  command's start-up included; target < 2 s;
- a station's queue page (`GET /api/v1/tickets?station=wireless&status=dispatched,in_progress`,
  50 rows, as the station's user) against a live server, p50/p95 over many requests, next to
  the same page's bare SQL query in the same run; target p95 < 50 ms.

    .venv/bin/python -m benchmarks.sla_queue [--tickets N] [--only postgresql|sqlite]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

from benchmarks.support import live_server, percentile, postgres_database, run_cli

STATIONS = ("wireless", "netops", "billing", "vas", "field")
# share of tickets per status, in per mille
MIX = (
    ("closed", 700),
    ("dispatched", 90),
    ("in_progress", 90),
    ("pending", 20),
    ("replied", 50),
    ("new", 30),
    ("expert", 20),
)


def load_tickets(url: str, count: int, now: datetime) -> float:
    """Insert `count` tickets with set-based SQL; seconds taken."""
    engine = create_engine(url)
    sqlite = url.startswith("sqlite")
    series = (
        (
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
            "WHERE n < :count) SELECT n FROM seq"
        )
        if sqlite
        else "SELECT n FROM generate_series(1, :count) AS n"
    )
    bounds, start = [], 0
    for status, share in MIX:
        bounds.append((status, start, start + share))
        start += share
    status_case = (
        "CASE "
        + " ".join(f"WHEN n % 1000 >= {lo} AND n % 1000 < {hi} THEN '{s}'" for s, lo, hi in bounds)
        + " END"
    )
    station_case = (
        "CASE n % 5 "
        + " ".join(f"WHEN {i} THEN '{code}'" for i, code in enumerate(STATIONS))
        + " END"
    )
    # deadlines: -2 days … +3 days around now, in seconds, spread by n
    offset = "((CAST(n AS BIGINT) * 7919) % 432000) - 172800"
    if sqlite:
        due = f"datetime(:now, ({offset}) || ' seconds')"
    else:
        due = f"(CAST(:now AS timestamptz) + make_interval(secs => {offset}))"
    started = time.perf_counter()
    with engine.begin() as conn:
        customers = conn.execute(text("SELECT min(id), max(id) FROM customers")).one()
        span = customers[1] - customers[0] + 1
        conn.execute(
            text(f"""
            INSERT INTO tickets (number, status, version, customer_id, channel, type, category,
                severity, title, description, region, station, created_by, dispatched_by,
                prewarned, reopen_count, return_count, first_contact_resolved,
                accept_due_at, work_due_at, callback_due_at, resolution_due_at, due_at,
                sort_due_at, sla_next_at, created_at, updated_at)
            SELECT 'BM' || CAST(n AS TEXT), st, 2, {customers[0]} + (n % {span}), 'hotline',
                'fault', 'signal/indoor/weak', 'normal', '室内信号弱', '压测数据', '长沙市',
                CASE WHEN st IN ('dispatched','in_progress','pending','replied','closed')
                     THEN {station_case} END,
                'agent', 'expert', false, 0, 0, false,
                CASE WHEN st = 'dispatched' THEN d END,
                CASE WHEN st IN ('dispatched','in_progress') THEN d END,
                CASE WHEN st = 'replied' THEN d END,
                d, CASE WHEN st <> 'closed' AND st <> 'pending' THEN d END,
                CASE WHEN st <> 'closed' AND st <> 'pending' THEN d ELSE :far END,
                CASE WHEN st <> 'closed' AND d > :now THEN d END, :now, :now
            FROM (SELECT n, {status_case} AS st, {due} AS d FROM ({series}) AS s) AS g
        """),
            {
                "count": count,
                "now": now if not sqlite else now.strftime("%Y-%m-%d %H:%M:%S"),
                "far": datetime(9999, 12, 31, tzinfo=UTC) if not sqlite else "9999-12-31 00:00:00",
            },
        )
        conn.execute(
            text(
                "INSERT INTO ticket_station_visits (ticket_id, station) "
                "SELECT id, station FROM tickets WHERE station IS NOT NULL "
                "AND number LIKE 'BM%'"
            )
        )
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def timed_scan(url: str, at: datetime) -> tuple[float, dict[str, object]]:
    started = time.perf_counter()
    out = run_cli(url, "sla", "scan", "--at", at.isoformat())
    return time.perf_counter() - started, json.loads(out)


QUEUE = "/api/v1/tickets?station=wireless&status=dispatched,in_progress&limit=50"


def queue_latencies(base: str, requests: int) -> list[float]:
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.post(
            "/api/v1/auth/token", json={"username": "wireless", "password": "closeloop-demo"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        client.get(QUEUE, headers=headers).raise_for_status()
        latencies, cursor = [], None
        for i in range(requests):
            path = QUEUE + (f"&cursor={cursor}" if cursor and i % 5 else "")
            started = time.perf_counter()
            r = client.get(path, headers=headers)
            latencies.append(time.perf_counter() - started)
            r.raise_for_status()
            cursor = r.json()["next_cursor"]
    return latencies


def bare_queue(url: str, requests: int) -> list[float]:
    engine = create_engine(url)
    sql = text(
        "SELECT * FROM tickets t WHERE t.station = 'wireless' "
        "AND t.status IN ('dispatched','in_progress') AND EXISTS (SELECT 1 FROM "
        "ticket_station_visits v WHERE v.ticket_id = t.id AND v.station = 'wireless') "
        "ORDER BY t.sort_due_at, t.id LIMIT 51"
    )
    latencies = []
    with engine.connect() as conn:
        for _ in range(requests):
            started = time.perf_counter()
            conn.execute(sql).all()
            latencies.append(time.perf_counter() - started)
    engine.dispose()
    return latencies


def measure(name: str, url: str, args: argparse.Namespace) -> None:
    print(f"[{name}] seeding the demo…", file=sys.stderr)
    run_cli(url, "seed", "--demo")
    now = datetime.now(UTC).replace(microsecond=0)
    print(f"[{name}] loading {args.tickets:,} tickets…", file=sys.stderr)
    load_s = load_tickets(url, args.tickets, now)
    steady_s, steady = timed_scan(url, now + timedelta(minutes=1))
    with live_server(url, workers=1) as base:
        api = queue_latencies(base, args.requests)
    bare = bare_queue(url, args.requests)
    print(f"{name:<10} loaded {args.tickets:,} tickets in {load_s:.1f} s")
    print(
        f"{'':<10} sla scan a minute later: {steady_s:.2f} s ({steady['examined']} tickets "
        f"due, {steady['breaches']} breaches recorded)   target < 2 s"
    )
    p95, bare95 = percentile(api, 0.95) * 1000, percentile(bare, 0.95) * 1000
    print(
        f"{'':<10} station queue page: p50 {percentile(api, 0.5) * 1000:.1f} ms, "
        f"p95 {p95:.1f} ms (target < 50 ms); bare SQL p95 {bare95:.1f} ms; "
        f"ratio bare/api {bare95 / p95:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    if args.only in (None, "postgresql"):
        with postgres_database() as url:
            measure("postgresql", url, args)
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)


if __name__ == "__main__":
    main()
