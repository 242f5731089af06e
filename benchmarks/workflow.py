"""Full work-order loops against a live server: loops/s and p50/p99 per request.

Concurrent clients each run create → escalate → dispatch → accept → reply → callback over
HTTP against `closeloop serve`, on PostgreSQL and on SQLite. As the baseline, the same
database writes of a loop (ticket, history, audit, notifications, breaches check) are done by
bare SQL statements on one connection per client in the same run; the ratio says how much of
the database's capacity the application keeps.

    .venv/bin/python -m benchmarks.workflow [--seconds 20] [--clients 16] [--workers 2]

Each server process works on CLOSELOOP_REQUESTS_IN_FLIGHT requests at once (default 4) and
queues the rest; set it in the environment to compare.

Each client works its cases one after another, each case on its own keep-alive HTTP/1.1
connection, with a lean client (benchmarks/http_client.py) so the load generator leaves the
shared CPUs to the server.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.http_client import Connection
from benchmarks.support import live_server, percentile, postgres_database, run_cli
from benchmarks.workflow_baseline import bare_sql_loops
from closeloop.config import Settings

PASSWORD = "closeloop-demo"
USERS = ("agent", "expert", "wireless", "callback")
# the status each step of the loop leaves the ticket in
_REACHES = {
    "create": "new",
    "escalate": "expert",
    "dispatch": "dispatched",
    "accept": "in_progress",
    "reply": "replied",
    "callback": "closed",
}


async def _token(client: Connection, username: str) -> dict[str, str]:
    status, body = await client.request(
        "POST", "/api/v1/auth/token", {"username": username, "password": PASSWORD}
    )
    if status != 200:
        raise RuntimeError(f"sign-in of {username}: {status} {body}")
    return {"Authorization": f"Bearer {body['access_token']}"}


async def _loop(
    client: Connection,
    auth: dict[str, dict[str, str]],
    customer: str,
    latencies: dict[str, list[float]],
) -> None:
    async def call(step: str, who: str, path: str, body: dict[str, object]) -> dict[str, object]:
        started = time.perf_counter()
        status, reply = await client.request("POST", path, body, auth[who])
        latencies[step].append(time.perf_counter() - started)
        if status >= 300:
            raise RuntimeError(f"{step}: {status} {str(reply)[:200]}")
        if reply["status"] != _REACHES[step]:
            raise RuntimeError(f"{step}: ticket is {reply['status']}, not {_REACHES[step]}")
        return reply  # type: ignore[no-any-return]

    ticket = await call(
        "create",
        "agent",
        "/api/v1/tickets",
        {
            "customer_id": customer,
            "channel": "hotline",
            "type": "fault",
            "category": "signal/indoor/weak",
            "severity": "high",
            "title": "室内信号弱",
            "description": "客厅信号只有一格，通话断续",
            "location": {"region": "长沙市"},
        },
    )
    base = f"/api/v1/tickets/{ticket['id']}"
    await call("escalate", "agent", f"{base}/escalate", {"note": "需专家处理"})
    await call("dispatch", "expert", f"{base}/dispatch", {"station": "wireless", "note": "覆盖"})
    await call("accept", "wireless", f"{base}/accept", {})
    await call(
        "reply",
        "wireless",
        f"{base}/reply",
        {"cause_code": "network/coverage/weak_area", "resolution": "已优化天线"},
    )
    await call(
        "callback",
        "callback",
        f"{base}/callback",
        {"reached": True, "satisfaction": "satisfied", "score": 5},
    )


async def drive(base: str, seconds: float, clients: int) -> dict[str, object]:
    """Run loops from `clients` concurrent clients for `seconds`; loops/s and latencies."""
    setup = Connection(base)
    auth = {u: await _token(setup, u) for u in USERS}
    status, customers = await setup.request(
        "GET", "/api/v1/customers?limit=500", headers=auth["agent"]
    )
    await setup.close()
    if status != 200:
        raise RuntimeError(f"customers: {status}")
    ids = [c["id"] for c in customers["items"]]
    latencies: dict[str, list[float]] = {
        s: [] for s in ("create", "escalate", "dispatch", "accept", "reply", "callback")
    }
    done = 0
    deadline = time.perf_counter() + seconds

    async def worker(n: int) -> None:
        nonlocal done
        i = n
        while time.perf_counter() < deadline:
            # One connection per case: with a few long-lived connections the kernel may hand
            # most of them to one server process for the whole run; a case on a new connection
            # goes to whichever process accepts first, as behind a load balancer.
            client = Connection(base)
            try:
                await _loop(client, auth, ids[i % len(ids)], latencies)
            finally:
                await client.close()
            done += 1
            i += clients

    started = time.perf_counter()
    await asyncio.gather(*(worker(n) for n in range(clients)))
    elapsed = time.perf_counter() - started
    every = [v for values in latencies.values() for v in values]
    return {
        "loops": done,
        "seconds": elapsed,
        "loops_per_s": done / elapsed,
        "requests_per_s": len(every) / elapsed,
        "p50_ms": percentile(every, 0.5) * 1000,
        "p99_ms": percentile(every, 0.99) * 1000,
        "per_step_p99_ms": {s: round(percentile(v, 0.99) * 1000, 1) for s, v in latencies.items()},
        "mean_ms": statistics.fmean(every) * 1000 if every else 0.0,
    }


def measure(name: str, url: str, args: argparse.Namespace) -> None:
    print(f"[{name}] migrating and seeding the demo…", file=sys.stderr)
    run_cli(url, "seed", "--demo")
    with live_server(url, workers=args.workers) as base:
        in_flight = Settings().requests_in_flight  # what the server reads from the environment
        print(
            f"[{name}] {args.clients} clients for {args.seconds:.0f} s; server: {args.workers} "
            f"workers, {in_flight} requests in flight each (CLOSELOOP_REQUESTS_IN_FLIGHT)…",
            file=sys.stderr,
        )
        result = asyncio.run(drive(base, args.seconds, args.clients))
    baseline = bare_sql_loops(url, seconds=min(args.seconds, 10), clients=args.clients)
    ratio = result["loops_per_s"] / baseline["loops_per_s"]  # type: ignore[operator]
    print(
        f"{name:<10} {result['loops_per_s']:7.1f} loops/s  {result['requests_per_s']:7.1f} req/s"
        f"  p50 {result['p50_ms']:6.1f} ms  p99 {result['p99_ms']:6.1f} ms   "
        f"bare SQL {baseline['loops_per_s']:7.1f} loops/s  ratio {ratio:.2f}"
    )
    print(f"{'':<10} p99 per step: {json.dumps(result['per_step_p99_ms'])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", choices=("postgresql", "sqlite"))
    args = parser.parse_args()
    print("targets on PostgreSQL: ≥ 50 loops/s (≈ 350 req/s), p99 < 150 ms")
    if args.only in (None, "postgresql"):
        with postgres_database() as url:
            measure("postgresql", url, args)
    if args.only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            measure("sqlite", f"sqlite:///{Path(tmp) / 'bench.db'}", args)


if __name__ == "__main__":
    main()
