"""A real `closeloop serve` in a child process, for tests of what only a whole server shows
(several worker processes, a backup taken while it writes)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from tests.support.demo import DEMO_PASSWORD


def free_port() -> int:
    """A port nobody listens on now (the server binds it a moment later)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def closeloop_command(*args: str) -> list[str]:
    """`closeloop ARGS` run by this test's interpreter (and so this worktree's code)."""
    return [sys.executable, "-c", "from closeloop.cli import main; main()", *args]


def server_env(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of a child `closeloop`: this one's, the database and `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    env.update(
        CLOSELOOP_DATABASE_URL=db_url,
        CLOSELOOP_DEMO_PASSWORD=DEMO_PASSWORD,
        CLOSELOOP_WORKER_ENABLED="false",
        CLOSELOOP_LOG_LEVEL="WARNING",
    )
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    env.update(extra)
    return env


def get(url: str, *, timeout: float = 10, headers: dict[str, str] | None = None) -> bytes:
    """The body of a GET on a new connection (so requests spread over worker processes)."""
    request = urllib.request.Request(url, headers={"Connection": "close", **(headers or {})})
    with urllib.request.urlopen(request, timeout=timeout) as answer:
        body: bytes = answer.read()
        return body


@contextlib.contextmanager
def serving(env: dict[str, str], *, workers: int = 1, log: Path) -> Iterator[str]:
    """`closeloop serve --workers N` on a free port until the block ends (then SIGTERM and
    wait); yields its base URL once it answers."""
    port = free_port()
    command = closeloop_command("serve", "--port", str(port), "--workers", str(workers))
    with log.open("wb") as out:
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(child, base, log)
        yield base
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


def _wait_until_up(child: subprocess.Popen[bytes], base: str, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError(f"closeloop serve ended: {log.read_text(errors='replace')}")
        with contextlib.suppress(OSError, urllib.error.URLError):
            get(f"{base}/openapi.json", timeout=2)
            return
        time.sleep(0.2)
    raise RuntimeError(f"closeloop serve did not answer: {log.read_text(errors='replace')}")
