"""Shared pieces of the benchmarks: temporary databases, a live server, latency statistics."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pg_cluster import PgCluster  # noqa: E402

CLOSELOOP = [str(Path(sys.executable).parent / "closeloop")]


def free_port() -> int:
    """An unused TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def postgres_database(name: str = "bench") -> Iterator[str]:
    """A throwaway PostgreSQL cluster with one empty database; its URL."""
    from sqlalchemy import create_engine, text

    cluster = PgCluster()
    base = cluster.start()
    try:
        admin = create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {name}"))
        admin.dispose()
        yield base.rsplit("/", 1)[0] + f"/{name}"
    finally:
        cluster.stop()


def run_cli(url: str, *args: str) -> str:
    """Run `closeloop …` against a database; its stdout."""
    env = {**os.environ, "CLOSELOOP_DATABASE_URL": url, "CLOSELOOP_LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [*CLOSELOOP, *args], env=env, check=True, capture_output=True, text=True
    )
    return result.stdout


@contextmanager
def live_server(url: str, workers: int = 1) -> Iterator[str]:
    """`closeloop serve` on a free port until the block ends; its base URL."""
    port = free_port()
    env = {
        **os.environ,
        "CLOSELOOP_DATABASE_URL": url,
        "CLOSELOOP_LOG_LEVEL": "WARNING",
        "CLOSELOOP_WORKER_ENABLED": "false",
    }
    process = subprocess.Popen(
        [*CLOSELOOP, "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError(
                "server did not start: " + (process.stderr.read() or b"").decode()
                if process.stderr
                else "server did not start"
            )
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))
    return ordered[index]
