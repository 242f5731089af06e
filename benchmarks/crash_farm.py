"""The processes benchmarks/crash.py kills: CloseLoop servers and workers, a usage ingest, and
the load of full ticket loops that records every acknowledged action."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from tests.care.smpp_server import SmppServer, Submitted

from benchmarks.http_client import Connection, HttpError
from benchmarks.support import CLOSELOOP, free_port

PASSWORD = "closeloop-demo"
USERS = ("agent", "expert", "wireless", "callback")
REQUEST_TIMEOUT = 15.0
# (step, who, path after the ticket, body, the status it leaves the ticket in)
STEPS: tuple[tuple[str, str, str, dict[str, object], str], ...] = (
    ("escalate", "agent", "/escalate", {"note": "需专家处理"}, "expert"),
    ("dispatch", "expert", "/dispatch", {"station": "wireless", "note": "覆盖"}, "dispatched"),
    ("accept", "wireless", "/accept", {}, "in_progress"),
    (
        "reply",
        "wireless",
        "/reply",
        {"cause_code": "network/coverage/weak_area", "resolution": "已优化天线"},
        "replied",
    ),
    (
        "callback",
        "callback",
        "/callback",
        {"reached": True, "satisfaction": "satisfied", "score": 5},
        "closed",
    ),
)
NEW_TICKET = {
    "channel": "hotline",
    "type": "fault",
    "category": "signal/indoor/weak",
    "severity": "high",
    "title": "室内信号弱",
    "description": "客厅信号只有一格，通话断续",
    "location": {"region": "长沙市"},
}


def environment(url: str, smpp_port: int, lease: int, embedded_worker: bool) -> dict[str, str]:
    """What every CloseLoop process of the benchmark runs with."""
    return {
        **os.environ,
        "CLOSELOOP_DATABASE_URL": url,
        "CLOSELOOP_LOG_LEVEL": "WARNING",
        "CLOSELOOP_SECRET_KEY": "crash-benchmark-secret-of-enough-length",
        "CLOSELOOP_WORKER_ENABLED": "true" if embedded_worker else "false",
        "CLOSELOOP_QUIET_HOURS": "",  # every notice is due at once, whatever the hour
        "CLOSELOOP_SMPP_HOST": "127.0.0.1",
        "CLOSELOOP_SMPP_PORT": str(smpp_port),
        "CLOSELOOP_SMPP_SYSTEM_ID": "closeloop",
        "CLOSELOOP_SMPP_PASSWORD": "secret",
        "CLOSELOOP_SMPP_RATE_PER_SEC": "400",
        "CLOSELOOP_DELIVERY_BACKOFF_SECONDS": "1",
        "CLOSELOOP_DELIVERY_LEASE_SECONDS": str(lease),
        "CLOSELOOP_USAGE_BLOCK_MB": "2",
    }


@dataclass
class Farm:
    """`closeloop serve --workers N` (and a `closeloop worker` when the server runs none),
    each in its own process group so that kill -9 takes all of it at once."""

    env: dict[str, str]
    workers: int
    separate_worker: bool
    log: Path | None = None  # the processes' stderr, appended
    port: int = field(default_factory=free_port)
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def base(self) -> str:
        """The servers' base URL."""
        return f"http://127.0.0.1:{self.port}"

    def _spawn(self, *args: str) -> None:
        log = self.log.open("ab") if self.log else subprocess.DEVNULL
        self.processes.append(
            subprocess.Popen(
                [*CLOSELOOP, *args],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,
            )
        )
        if not isinstance(log, int):
            log.close()

    def start(self) -> float:
        """Start everything and wait until the server answers; seconds it took."""
        started = time.perf_counter()
        self._spawn("serve", "--port", str(self.port), "--workers", str(self.workers))
        if self.separate_worker:
            self._spawn("worker", "--poll", "1")
        while time.perf_counter() - started < 120:
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                time.sleep(0.05)
        tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
        raise RuntimeError(f"the server did not come up within two minutes\n{tail}")

    def kill(self) -> None:
        """kill -9 of every process (server master, its workers, the job worker) at once:
        every group is signalled before any is waited for."""
        for process in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            process.wait()
        self.processes.clear()

    def stop(self) -> None:
        """A clean stop (SIGTERM), for the end of the run."""
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.processes.clear()


class SmsCentre:
    """The SMPP peer of the tests in a process of its own, as an SMS centre is: the load
    generator's threads never starve it into answering late. Its submits come back at stop."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("fork")  # no threads are running yet
        self._pipe, child = context.Pipe()
        self.process = context.Process(target=_centre, args=(child,), daemon=True)
        self.process.start()
        self.port: int = self._pipe.recv()

    def stop(self) -> list[Submitted]:
        """Stop it; every submit_sm it took."""
        self._pipe.send("stop")
        submitted: list[Submitted] = self._pipe.recv()
        self.process.join(timeout=10)
        return submitted


def _centre(pipe: Any) -> None:
    server = SmppServer().start()
    pipe.send(server.port)
    pipe.recv()
    server.stop()
    pipe.send(server.submitted)


def start_ingest(env: dict[str, str], path: Path) -> subprocess.Popen[bytes]:
    """`closeloop usage ingest FILE` in a process group of its own."""
    return subprocess.Popen(
        [*CLOSELOOP, "usage", "ingest", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@dataclass
class Answer:
    """One request's outcome as the client saw it (status 0: no answer)."""

    at: float
    seconds: float
    status: int
    retry_after: bool = False
    problem: str = ""


@dataclass
class Load:
    """Clients running full loops; what the server acknowledged and every answer."""

    base: str
    clients: int
    acknowledged: list[tuple[int, str]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    loops: int = 0
    stopping: bool = False
    auth: dict[str, dict[str, str]] = field(default_factory=dict)
    customers: list[str] = field(default_factory=list)

    async def prepare(self) -> None:
        """Sign in the four users and read the customers (tokens outlive restarts)."""
        client = Connection(self.base)
        for user in USERS:
            status, body = await client.request(
                "POST", "/api/v1/auth/token", {"username": user, "password": PASSWORD}
            )
            if status != 200:
                raise RuntimeError(f"sign-in of {user}: {status} {body}")
            self.auth[user] = {"Authorization": f"Bearer {body['access_token']}"}
        status, page = await client.request(
            "GET", "/api/v1/customers?limit=500", headers=self.auth["agent"]
        )
        await client.close()
        if status != 200:
            raise RuntimeError(f"customers: {status}")
        self.customers = [c["id"] for c in page["items"]]

    async def _call(
        self, client: Connection, who: str, path: str, body: dict[str, object]
    ) -> dict[str, object] | None:
        started = time.perf_counter()
        at = time.time()
        try:
            status, reply = await asyncio.wait_for(
                client.request("POST", path, body, self.auth[who]), REQUEST_TIMEOUT
            )
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, HttpError):
            await _drop(client)
            self.answers.append(Answer(at, time.perf_counter() - started, 0))
            return None
        problem = reply.get("type", "") if isinstance(reply, dict) and status >= 400 else ""
        retry = "retry-after" in client.headers
        self.answers.append(Answer(at, time.perf_counter() - started, status, retry, problem))
        return reply if 200 <= status < 300 and isinstance(reply, dict) else None

    async def _loop(self, customer: str) -> None:
        client = Connection(self.base)
        try:
            ticket = await self._call(
                client, "agent", "/api/v1/tickets", {**NEW_TICKET, "customer_id": customer}
            )
            if ticket is None:
                return
            ticket_id = int(str(ticket["id"]))
            self.acknowledged.append((ticket_id, "create"))
            for step, who, tail, body, reaches in STEPS:
                reply = await self._call(client, who, f"/api/v1/tickets/{ticket_id}{tail}", body)
                if reply is None:
                    return  # not acknowledged: this ticket is left where it is
                if reply.get("status") != reaches:
                    raise RuntimeError(f"{step} left ticket {ticket_id} {reply.get('status')}")
                self.acknowledged.append((ticket_id, step))
            self.loops += 1
        finally:
            await _drop(client)

    async def run(self) -> None:
        """Run loops from every client until `stopping`; a failed loop pauses its client."""

        async def client(n: int) -> None:
            i = n
            while not self.stopping:
                before = len(self.answers)
                await self._loop(self.customers[i % len(self.customers)])
                i += self.clients
                if any(a.status == 0 or a.status >= 500 for a in self.answers[before:]):
                    await asyncio.sleep(0.2)

        await asyncio.gather(*(client(n) for n in range(self.clients)))


async def _drop(client: Connection) -> None:
    await client.close()
