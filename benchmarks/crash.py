"""Crash safety: kill -9 under a load of full ticket loops, on SQLite and on PostgreSQL.

For each database: seeds the demo, starts a real SMS centre (the SMPP 3.4 peer of the tests,
which records every submit_sm with its session and time) and real `closeloop serve` processes
(SQLite: one server with its embedded worker; PostgreSQL: `--workers 2` and a separate
`closeloop worker`), drives clients through full loops (create → escalate → dispatch → accept
→ reply → callback) and starts `closeloop usage ingest` of a large file. At `--kills` random
moments every CloseLoop process is killed with SIGKILL at once (the first kill lands inside the
ingest), restarted, and the load carries on; the killed ingest's file is sent again. On
PostgreSQL the database itself is then restarted under load (`pg_ctl stop -m fast`, a pause,
start). After the load the outbox is left to drain, and the run checks:

- tickets: every action the server acknowledged (2xx) is in its ticket's history; every ticket
  stands in the status of its last event (nothing half-changed);
- outbox: every notice due was delivered to the SMS centre; a notice the centre took twice is
  allowed only when the first submit was the last of a session whose process was killed before
  it could mark the notice sent (the window of one submit, measured on every notice: from the
  centre's answer to the dispatcher writing `sent`);
- ingest: after the crash and the re-sent file, records, usage sums and usage notices equal
  those of a clean ingest of the same file into a copy of the database taken before the run;
- PostgreSQL restart: while the database is down every request fails fast with 503
  problem+json and Retry-After (no 500, no hanging request), and afterwards requests succeed
  again without restarting CloseLoop.

    .venv/bin/python -m benchmarks.crash [--seconds 45] [--kills 4] [--only sqlite|postgres]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from sqlalchemy import create_engine, select, text
from tests.pg_cluster import PgCluster

from benchmarks.crash_checks import (
    IngestTotals,
    OutboxFigures,
    TicketFigures,
    ingest_totals,
    outbox_figures,
    ticket_figures,
)
from benchmarks.crash_farm import Answer, Farm, Load, SmsCentre, environment, start_ingest
from benchmarks.support import CLOSELOOP, run_cli
from closeloop.customers.models import Customer, Plan
from closeloop.kit.clock import system_clock
from closeloop.tickets.models import Ticket

console = Console(stderr=True)
# The dispatcher's claim (CLOSELOOP_DELIVERY_LEASE_SECONDS) in this run: a notice a killed
# process left `sending` goes again after this; the SMPP timeout is the default's 10 s.
LEASE_SECONDS = 40
OUTAGE_BOUND = 5.0  # a request during the database outage must be answered within this


@dataclass
class Run:
    """What one database's run saw."""

    name: str
    kills: list[float] = field(default_factory=list)
    restart_seconds: list[float] = field(default_factory=list)
    ingest_killed: bool = False
    ingest_resent_ok: bool = False
    outage: tuple[float, float] | None = None
    loops_after_last_kill: int = 0
    drained: bool = False


@dataclass
class Scenario:
    """What a run is given: its random source, the cluster to restart (PostgreSQL), the usage
    file and how long a clean ingest of it took."""

    rng: random.Random
    cluster: PgCluster | None
    usage: Path
    clean_seconds: float


def usage_file(path: Path, engine_url: str, records: int, rng: random.Random) -> None:
    """A usage CSV of the demo customers over the last five days, in time order."""
    engine = create_engine(engine_url)
    with engine.connect() as conn:
        plans = dict(
            conn.execute(
                select(Customer.msisdn, Plan.data_mb).join(Plan, Plan.id == Customer.plan_id)
            ).all()
        )
    engine.dispose()
    numbers = sorted(plans)
    # the share of its plan's data a customer uses in this file
    data = {n: rng.uniform(0.0, 1.2) * plans[n] for n in numbers}
    travellers = set(rng.sample(numbers, len(numbers) // 20))
    now = system_clock.now()
    start = now - timedelta(days=5)
    span = (now - start).total_seconds()
    times = sorted(rng.uniform(0, span) for _ in range(records))
    lines = ["record_id,msisdn,event_time,usage_type,amount,roaming_country"]
    for i, offset in enumerate(times):
        msisdn = rng.choice(numbers)
        at = (start + timedelta(seconds=offset)).isoformat(timespec="seconds")
        kind = rng.choices(("data", "voice", "sms"), (80, 15, 5))[0]
        country = rng.choice(("HK", "JP")) if msisdn in travellers and rng.random() < 0.05 else ""
        amount = data[msisdn] * 2 / (0.8 * records / len(numbers)) * rng.random()
        if kind != "data" or country:
            amount = rng.uniform(0.1, 3)
        lines.append(f"CR{i:08d},{msisdn},{at},{kind},{amount:.3f},{country}")
    path.write_text("\n".join(lines) + "\n")


def clone(url: str, name: str) -> str:
    """A copy of the database as it is now, under `name`; its URL."""
    if url.startswith("sqlite"):
        source = url.removeprefix("sqlite:///")
        target = str(Path(source).with_name(f"{name}.db"))
        with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
            src.backup(dst)
        return f"sqlite:///{target}"
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {url.rsplit('/', 1)[1]}"))
    admin.dispose()
    return url.rsplit("/", 1)[0] + f"/{name}"


def plan(rng: random.Random, seconds: float, kills: int, first: float) -> list[float]:
    """Kill moments (seconds into the load): the first inside the ingest, the rest spread
    over the first 70 % of the load at least 5 s apart."""
    moments = [first]
    for _ in range(kills - 1):
        for _attempt in range(50):
            t = rng.uniform(0.1, 0.7) * seconds
            if all(abs(t - m) >= 5 for m in moments):
                moments.append(t)
                break
    return sorted(moments)


async def drive(
    run: Run, farm: Farm, load: Load, args: argparse.Namespace, scenario: Scenario
) -> None:
    """The load with its kills (and the PostgreSQL restart); no process outlives it."""
    await load.prepare()
    runner = asyncio.create_task(load.run())
    ingests = [start_ingest(farm.env, scenario.usage)]
    try:
        await _drive(run, (farm, load), args, scenario, ingests)
    finally:
        load.stopping = True
        for process in ingests:
            if process.poll() is None:
                os.killpg(process.pid, 9)
                process.wait()
        await runner


@dataclass
class Schedule:
    """When the kills and the PostgreSQL restart come, and when the load may end: not before
    its time is up, every kill and the restart are done, and the last restart (of CloseLoop or
    of PostgreSQL) is 10 s behind, so the run shows the load carrying on."""

    moments: list[float]
    outage_at: float | None
    started: float = field(default_factory=time.monotonic)
    settled: float = field(default_factory=time.monotonic)

    def elapsed(self) -> float:
        """Seconds into the load."""
        return time.monotonic() - self.started

    def kill_due(self) -> bool:
        """Whether the next kill is due."""
        return bool(self.moments) and self.elapsed() >= self.moments[0]

    def outage_due(self) -> bool:
        """Whether PostgreSQL is to restart now (after every kill, 5 s after the last)."""
        if self.outage_at is None or self.moments or self.elapsed() < self.outage_at:
            return False
        return time.monotonic() - self.settled >= 5

    def over(self, seconds: float) -> bool:
        """Whether the load may end."""
        if self.elapsed() < seconds or self.moments or self.outage_at is not None:
            return False
        return time.monotonic() - self.settled >= 10


async def _kill(run: Run, farm: Farm, ingests: list[subprocess.Popen[bytes]], usage: Path) -> None:
    """SIGKILL of every CloseLoop process (and of the ingest, the first time it runs), the
    restart, and the killed ingest's file sent again."""
    ingest = ingests[-1]
    running = ingest.poll() is None
    run.kills.append(time.time())
    farm.kill()
    if running and not run.ingest_killed:
        os.killpg(ingest.pid, 9)
        ingest.wait()
        run.ingest_killed = True
    run.restart_seconds.append(await asyncio.to_thread(farm.start))
    if running and ingest.returncode == -9:
        ingests.append(start_ingest(farm.env, usage))


async def _restart_postgres(run: Run, cluster: PgCluster, pause: float) -> None:
    down = time.time()
    await asyncio.to_thread(cluster.stop_server, "fast")
    await asyncio.sleep(pause)
    await asyncio.to_thread(cluster.start_server)
    run.outage = (down, time.time())


async def _drive(
    run: Run,
    processes: tuple[Farm, Load],
    args: argparse.Namespace,
    scenario: Scenario,
    ingests: list[subprocess.Popen[bytes]],
) -> None:
    """The kills (the first inside the ingest) and the PostgreSQL restart, under a progress
    bar, until the load may end; then the re-sent ingest's end."""
    farm, load = processes
    first = min(scenario.rng.uniform(0.3, 0.7) * scenario.clean_seconds, 0.5 * args.seconds)
    schedule = Schedule(
        plan(scenario.rng, args.seconds, args.kills, first),
        0.75 * args.seconds if scenario.cluster is not None else None,
    )
    loops_at_kill = 0
    columns = (TextColumn("{task.description}"), BarColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task(run.name, total=args.seconds)
        while not schedule.over(args.seconds):
            bar.update(
                task,
                completed=min(schedule.elapsed(), args.seconds),
                description=f"[{run.name}] loops {load.loops}, acknowledged "
                f"{len(load.acknowledged)}, kills {len(run.kills)}/{args.kills}",
            )
            if schedule.kill_due():
                schedule.moments.pop(0)
                await _kill(run, farm, ingests, scenario.usage)
                schedule.settled, loops_at_kill = time.monotonic(), load.loops
            if schedule.outage_due() and scenario.cluster is not None:
                schedule.outage_at = None
                await _restart_postgres(run, scenario.cluster, args.pause)
                schedule.settled = time.monotonic()
            await asyncio.sleep(0.2)
    load.stopping = True
    run.loops_after_last_kill = load.loops - loops_at_kill
    ingest = ingests[-1]
    _, errors = await asyncio.to_thread(ingest.communicate)
    run.ingest_resent_ok = ingest.returncode == 0
    if ingest.returncode != 0:
        console.print(f"[{run.name}] ingest failed: {errors.decode()[-500:]}")


def drain(url: str, timeout: float) -> bool:
    """Wait until no SMS notice that is due waits to be sent; whether that happened."""
    from closeloop.care.models import Notification

    engine = create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                waiting = conn.scalar(
                    select(Notification.id)
                    .where(
                        Notification.channel == "sms",
                        Notification.status.in_(("pending", "sending", "failed")),
                        Notification.send_after <= system_clock.now(),
                    )
                    .limit(1)
                )
            if waiting is None:
                return True
            time.sleep(1)
        return False
    finally:
        engine.dispose()


def measure(name: str, url: str, args: argparse.Namespace, cluster: PgCluster | None) -> bool:
    """One database's run; whether it passed."""
    rng = random.Random(args.seed)
    run = Run(name)
    console.print(f"[{name}] seeding the demo…")
    run_cli(url, "seed", "--demo")
    reference = clone(url, "crash_reference")
    engine = create_engine(url, pool_pre_ping=True)  # PostgreSQL restarts in between
    with engine.connect() as conn:
        first_ticket = (conn.scalar(select(Ticket.id).order_by(Ticket.id.desc())) or 0) + 1
    with tempfile.TemporaryDirectory() as tmp:
        usage = Path(tmp) / "usage.csv"
        usage_file(usage, url, args.records, rng)
        peer = SmsCentre()
        submitted = []
        env = environment(url, peer.port, LEASE_SECONDS, embedded_worker=cluster is None)
        console.print(f"[{name}] clean ingest of {args.records:,} records into a copy…")
        clean_started = time.perf_counter()
        subprocess.run(
            [*CLOSELOOP, "usage", "ingest", str(usage)],
            env={**env, "CLOSELOOP_DATABASE_URL": reference},
            check=True,
            capture_output=True,
        )
        clean_seconds = time.perf_counter() - clean_started
        farm = Farm(
            env,
            workers=2 if cluster else 1,
            separate_worker=cluster is not None,
            log=Path(tmp) / "closeloop.log",
        )
        load = Load(farm.base, args.clients)
        scenario = Scenario(rng, cluster, usage, clean_seconds)
        try:
            farm.start()
            asyncio.run(drive(run, farm, load, args, scenario))
            console.print(f"[{name}] load over; letting the outbox drain…")
            run.drained = drain(url, LEASE_SECONDS + 45)
        finally:
            farm.stop()
            submitted = peer.stop()
            written = Path(tmp) / "closeloop.log"
            log = written.read_text(errors="replace").splitlines() if written.exists() else []
    warnings = [line for line in log if "dispatch" in line or "outcome" in line]
    tickets = ticket_figures(engine, load.acknowledged, first_ticket)
    outbox = outbox_figures(engine, submitted, run.kills, time.time())
    crashed = ingest_totals(engine)
    reference_engine = create_engine(reference)
    clean = ingest_totals(reference_engine)
    reference_engine.dispose()
    engine.dispose()
    passed = report(run, load, tickets, outbox, (clean, crashed))
    if outbox.unexplained:
        print("the dispatcher's warnings (last 20):", *warnings[-20:], sep="\n  ")
    return passed


def _outage_rows(run: Run, answers: list[Answer]) -> tuple[list[tuple[str, str, bool]], bool]:
    if run.outage is None:
        return [], True
    down, up = run.outage
    during = [a for a in answers if down <= a.at <= up]
    failed = [a for a in during if not 200 <= a.status < 300]
    proper = [
        a for a in failed
        if a.status == 503 and a.retry_after and a.problem.endswith("database-unavailable")
    ]  # fmt: skip
    errors = sum(1 for a in failed if a.status == 500)
    slowest = max((a.seconds for a in during), default=0.0)
    back = [a.at - up for a in answers if a.at > up and 200 <= a.status < 300]
    later = [a for a in answers if a.at > up + 5 and not 200 <= a.status < 300]
    rows = [
        ("database down (pg_ctl stop -m fast … start)", f"{up - down:.1f} s", True),
        ("requests while down: answered / failed", f"{len(during)} / {len(failed)}", True),
        ("  failed with 503 problem+json + Retry-After", f"{len(proper)}",
         len(proper) == len(failed)),
        ("  500 answers", f"{errors}", errors == 0),
        ("  slowest answer while down", f"{slowest:.2f} s", slowest < OUTAGE_BOUND),
        ("first success after restart", f"{min(back):.2f} s" if back else "never", bool(back)),
        ("failed requests from 5 s after restart", f"{len(later)}", not later),
    ]  # fmt: skip
    return rows, all(ok for _, _, ok in rows)


def report(
    run: Run,
    load: Load,
    tickets: TicketFigures,
    outbox: OutboxFigures,
    ingest: tuple[IngestTotals, IngestTotals],
) -> bool:
    """Print the table of one database; whether everything held."""
    clean, crashed = ingest
    missing, twice = clean.notices - crashed.notices, crashed.notices - clean.notices
    same_totals = clean.records == crashed.records and clean.sums == crashed.sums
    gaps = outbox.kill_gap_ms
    gap = f"{min(gaps):+.0f}…{max(gaps):+.0f} ms" if gaps else "—"
    rows: list[tuple[str, str, bool]] = [
        ("kills (SIGKILL of every CloseLoop process)", f"{len(run.kills)}", True),
        ("restart to first answer", f"max {max(run.restart_seconds, default=0):.1f} s", True),
        ("full loops / loops after the last kill", f"{load.loops} / {run.loops_after_last_kill}",
         run.loops_after_last_kill > 0),
        ("acknowledged actions / tickets", f"{tickets.acknowledged} / {tickets.tickets}", True),
        ("  lost (acknowledged, not in history)", f"{len(tickets.lost)}", not tickets.lost),
        ("  half-changed tickets", f"{len(tickets.half_changed)}", not tickets.half_changed),
        ("notices due / delivered", f"{outbox.due} / {outbox.delivered}", True),
        ("  outbox drained", "yes" if run.drained else "no", run.drained),
        ("  lost (due, never delivered)", f"{outbox.lost + outbox.phantom}",
         outbox.lost + outbox.phantom == 0),
        ("  kills during delivery (a submit < 1 s before)", f"{outbox.kills_during_delivery}",
         True),
        ("  submits / sent twice", f"{outbox.submits} / {outbox.duplicated}", True),
        ("  sent twice within one submit's window", f"{outbox.in_window} (kill {gap} from it)",
         True),
        ("  sent twice beyond that window", f"{outbox.beyond_window}", outbox.beyond_window == 0),
        ("  window: centre's answer → `sent` written (ms)", outbox.window(), True),
        ("ingest killed mid-file, then re-sent", "yes" if run.ingest_killed else "no",
         run.ingest_killed and run.ingest_resent_ok),
        ("  records clean / crashed + re-sent", f"{clean.records:,} / {crashed.records:,}",
         same_totals),
        ("  usage notices clean / crashed + re-sent",
         f"{len(clean.notices)} / {len(crashed.notices)}", not missing and not twice),
        ("  usage notices missing / twice", f"{len(missing)} / {len(twice)}",
         not missing and not twice),
    ]  # fmt: skip
    outage, outage_ok = _outage_rows(run, load.answers)
    rows += outage
    passed = all(ok for _, _, ok in rows) and outage_ok
    table = Table(title=f"crash safety on {run.name}: {'PASS' if passed else 'FAIL'}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_column("", justify="center")
    for label, value, ok in rows:
        table.add_row(label, value, "ok" if ok else "[red]FAIL[/red]")
    Console(width=120).print(table)
    for line in outbox.unexplained[:10]:
        print(f"sent twice beyond the window: {line}")
    if outbox.undelivered:
        print(f"undelivered notices by status: {dict(outbox.undelivered.most_common(5))}")
    if tickets.lost:
        print(f"lost actions (first 10): {tickets.lost[:10]}")
    if tickets.half_changed:
        print(f"half-changed tickets (first 10): {tickets.half_changed[:10]}")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=45, help="load per database")
    parser.add_argument("--kills", type=int, default=4, help="kills per database")
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--records", type=int, default=300_000, help="usage records to ingest")
    parser.add_argument("--pause", type=float, default=3.0, help="PostgreSQL down this long")
    parser.add_argument("--seed", type=int, default=None, help="random seed (kill moments)")
    args = parser.parse_args()
    if args.seconds < 20 or args.kills < 1:
        parser.error("give at least --seconds 20 and --kills 1")
    os.environ["CLOSELOOP_QUIET_HOURS"] = ""  # the demo's notices are due now too
    results: dict[str, bool] = {}
    if args.only in (None, "sqlite"):
        tmp = tempfile.mkdtemp(prefix="closeloop-crash-")
        try:
            results["sqlite"] = measure("sqlite", f"sqlite:///{tmp}/crash.db", args, None)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    if args.only in (None, "postgres"):
        cluster = PgCluster()
        base = cluster.start()
        try:
            admin = create_engine(base, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text("CREATE DATABASE crash"))
            admin.dispose()
            url = base.rsplit("/", 1)[0] + "/crash"
            results["postgresql"] = measure("postgresql", url, args, cluster)
        finally:
            cluster.stop()
    verdict = all(results.values())
    print(" · ".join(f"{k} {'PASS' if v else 'FAIL'}" for k, v in results.items()))
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
