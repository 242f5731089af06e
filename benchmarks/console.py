"""Console pages with 100,000 tickets: server time of the queue and ticket pages.

Seeds the demo, loads N tickets (default 100,000, set-based SQL as in sla_queue.py), starts
`closeloop serve`, signs users in through /login like a browser, and requests:
- queue pages: each role's own queue (agent, expert, station, callback) and the supervisor's
  "all tickets" with and without filters;
- ticket pages of random tickets (demo tickets with long histories and loaded ones);
and, in the same run as the baseline, the REST API's JSON for the same lists and tickets.
Server time is the `Server-Timing: app;dur=` the server reports (handler, queries and
rendering; no network); round trips are shown beside it. Target: p95 < 100 ms per page kind.

    .venv/bin/python -m benchmarks.console [--tickets N] [--requests N] [--only sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.progress import track
from sqlalchemy import create_engine, text

from benchmarks.sla_queue import load_tickets
from benchmarks.support import live_server, percentile, postgres_database, run_cli

PASSWORD = "closeloop-demo"
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')
QUEUES = (
    ("agent", "/console?queue=mine", "/api/v1/tickets?status=new,expert&limit=50"),
    ("expert", "/console?queue=expert", "/api/v1/tickets?status=expert&limit=50"),
    (
        "wireless",
        "/console?queue=accept",
        "/api/v1/tickets?station=wireless&status=dispatched&limit=50",
    ),
    (
        "wireless",
        "/console?queue=working",
        "/api/v1/tickets?station=wireless&status=in_progress&limit=50",
    ),
    ("callback", "/console?queue=callbacks", "/api/v1/tickets?status=replied&limit=50"),
    ("supervisor", "/console?queue=all", "/api/v1/tickets?limit=50"),
    (
        "supervisor",
        "/console?queue=all&station=billing&status=dispatched&overdue=1",
        "/api/v1/tickets?station=billing&status=dispatched&overdue=true&limit=50",
    ),
)


def console_client(base: str, username: str) -> httpx.Client:
    """A client signed in through the console's form (session cookie)."""
    client = httpx.Client(base_url=base, timeout=60)
    form = client.get("/login")
    match = CSRF.search(form.text)
    assert match, "no CSRF token on /login"
    signed = client.post(
        "/login", data={"username": username, "password": PASSWORD, "csrf_token": match.group(1)}
    )
    if signed.status_code != 303 or "closeloop_session" not in client.cookies:
        raise RuntimeError(f"{username} could not sign in: {signed.status_code}")
    return client


def api_client(base: str, username: str) -> httpx.Client:
    """A client with a bearer token."""
    client = httpx.Client(base_url=base, timeout=60)
    token = client.post("/api/v1/auth/token", json={"username": username, "password": PASSWORD})
    client.headers["Authorization"] = f"Bearer {token.raise_for_status().json()['access_token']}"
    return client


def timed(client: httpx.Client, path: str) -> tuple[float, float]:
    """(server ms, round-trip ms) of one GET that must succeed."""
    started = time.perf_counter()
    response = client.get(path)
    trip = (time.perf_counter() - started) * 1000
    response.raise_for_status()
    server = response.headers.get("server-timing", "")
    match = re.search(r"dur=([0-9.]+)", server)
    return (float(match.group(1)) if match else trip), trip


def ticket_ids(url: str, count: int, seed: int = 7) -> list[int]:
    """Random ticket ids: half from the demo (long histories), half from the loaded ones."""
    engine = create_engine(url)
    with engine.connect() as conn:
        demo = [r[0] for r in conn.execute(text("SELECT id FROM tickets WHERE number LIKE 'TT%'"))]
        loaded = conn.execute(
            text("SELECT min(id), max(id) FROM tickets WHERE number LIKE 'BM%'")
        ).one()
    engine.dispose()
    rng = random.Random(seed)
    picks = [rng.choice(demo) for _ in range(count // 2)]
    picks += [rng.randint(loaded[0], loaded[1]) for _ in range(count - len(picks))]
    rng.shuffle(picks)
    return picks


def row(label: str, console: list[tuple[float, float]], api: list[tuple[float, float]]) -> None:
    """One line of the report: console and API server-time p50/p95, round trip, ratio."""
    c50, c95 = percentile([s for s, _ in console], 0.5), percentile([s for s, _ in console], 0.95)
    a95 = percentile([s for s, _ in api], 0.95)
    trip95 = percentile([t for _, t in console], 0.95)
    verdict = "met" if c95 < 100 else "NOT met"
    print(
        f"  {label:<58} server p50 {c50:6.1f} ms  p95 {c95:6.1f} ms  (round trip p95 "
        f"{trip95:6.1f} ms)  API p95 {a95:6.1f} ms  ratio page/API {c95 / a95:4.2f}  {verdict}"
    )


def measure(name: str, url: str, args: argparse.Namespace) -> None:
    """Seed, load, serve and time the pages on one database."""
    print(f"[{name}] seeding the demo…", file=sys.stderr)
    run_cli(url, "seed", "--demo")
    print(f"[{name}] loading {args.tickets:,} tickets…", file=sys.stderr)
    load_tickets(url, args.tickets, datetime.now(UTC).replace(microsecond=0))
    ids = ticket_ids(url, args.requests)
    print(
        f"{name}: {args.tickets:,} tickets loaded beside the demo's; {args.requests} requests each"
    )
    with live_server(url, workers=1) as base:
        users = {u for u, _, _ in QUEUES}
        pages = {u: console_client(base, u) for u in users}
        apis = {u: api_client(base, u) for u in users}
        everything: list[tuple[float, float]] = []
        for username, page, api in QUEUES:
            timed(pages[username], page)  # warm up
            console = [
                timed(pages[username], page)
                for _ in track(range(args.requests), page, transient=True)
            ]
            baseline = [timed(apis[username], api) for _ in range(args.requests)]
            everything += console
            row(f"queue {page} ({username})", console, baseline)
        supervisor, supervisor_api = pages["supervisor"], apis["supervisor"]
        tickets = [
            timed(supervisor, f"/console/tickets/{i}")
            for i in track(ids, "ticket pages", transient=True)
        ]
        baseline = [timed(supervisor_api, f"/api/v1/tickets/{i}") for i in ids]
        row("ticket page /console/tickets/{id} (supervisor)", tickets, baseline)
        for client in (*pages.values(), *apis.values()):
            client.close()
    all95 = percentile([s for s, _ in everything + tickets], 0.95)
    print(f"  all console pages: server p95 {all95:.1f} ms (target < 100 ms)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)
    if args.only in (None, "postgresql"):
        with postgres_database() as url:
            measure("postgresql", url, args)


if __name__ == "__main__":
    main()
