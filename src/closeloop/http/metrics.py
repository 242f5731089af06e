"""Prometheus metrics of a server farm: one scrape that adds up every worker process.

A single `closeloop serve` process keeps its metrics in memory. With `--workers N` each
request lands in one of N processes, so one process's figures are only its share: then
prometheus-client's multiprocess mode keeps every process's values in memory-mapped files in
one directory (`PROMETHEUS_MULTIPROC_DIR`) and `/metrics` reads them all, whichever process
answers. `closeloop serve` sets the directory up itself (or takes the operator's), empties it
at start (files of an earlier run would be counted again) and removes the live gauges of a
process that ends. Several machines are scraped one by one; Prometheus sums them.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
# gauge_livesum_1234.db: a live gauge's values, written by process 1234
_LIVE_GAUGE_FILE = re.compile(r"^gauge_live[a-z]+_(\d+)\.db$")


def multiprocess_dir() -> Path | None:
    """The directory of the multiprocess metrics, when this process uses them."""
    value = os.environ.get(MULTIPROC_ENV, "").strip()
    return Path(value) if value else None


@contextlib.contextmanager
def farm_metrics(workers: int) -> Iterator[Path | None]:
    """Around a server run: the metrics directory every worker process writes to.

    Set up when the operator named one (`PROMETHEUS_MULTIPROC_DIR`) or when there is more
    than one worker (then a temporary one, removed afterwards); emptied at start. None for a
    single process without the variable: its metrics stay in memory.
    """
    chosen = multiprocess_dir()
    if chosen is None and workers <= 1:
        yield None
        return
    own = chosen is None
    folder = chosen if chosen is not None else Path(tempfile.mkdtemp(prefix="closeloop-metrics-"))
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):  # an earlier run's counts are not this run's
        stale.unlink()
    os.environ[MULTIPROC_ENV] = str(folder)  # the worker processes inherit it
    try:
        yield folder
    finally:
        if own:
            shutil.rmtree(folder, ignore_errors=True)
            os.environ.pop(MULTIPROC_ENV, None)


def process_ended(pid: int | None = None) -> None:
    """Forget the live gauges of a process that ends (by default this one)."""
    folder = multiprocess_dir()
    if folder is not None:
        mark_process_dead(os.getpid() if pid is None else pid, str(folder))  # type: ignore[no-untyped-call]


def _forget_vanished(folder: Path) -> None:
    """A worker killed outright never said it ended: drop the live gauges of processes that
    are gone (the directory is this machine's, so their ids are this machine's)."""
    for path in folder.glob("gauge_live*_*.db"):
        found = _LIVE_GAUGE_FILE.match(path.name)
        if found and not _alive(int(found.group(1))):
            process_ended(int(found.group(1)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def exposition(own_registry: CollectorRegistry) -> bytes:
    """The Prometheus text of the whole server: every process's metrics in multiprocess mode,
    else this process's registry."""
    folder = multiprocess_dir()
    if folder is None:
        return generate_latest(own_registry)
    _forget_vanished(folder)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(folder))  # type: ignore[no-untyped-call]
    return generate_latest(registry)
