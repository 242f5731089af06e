"""/metrics of a server with several worker processes adds up every process's requests."""

from __future__ import annotations

import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from prometheus_client.multiprocess import MultiProcessCollector

from tests.support.server import get, server_env, serving

BATCH = 40
HEALTHZ = re.compile(
    r'^closeloop_http_requests_total\{method="GET",route="/healthz",status="200"\} (\S+)$', re.M
)


def _healthz_count(scrape: str) -> float:
    found = HEALTHZ.findall(scrape)
    assert len(found) == 1, scrape  # one line for the whole server, not one per process
    return float(found[0])


def _shares(folder: Path) -> dict[int, float]:
    """Each worker process's own count of /healthz requests, read from its metrics file."""
    shares: dict[int, float] = {}
    for path in folder.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(path)]):  # type: ignore[no-untyped-call]
            for sample in metric.samples:
                if sample.name.endswith("_total") and sample.labels.get("route") == "/healthz":
                    pid = int(path.stem.split("_")[1])
                    shares[pid] = shares.get(pid, 0.0) + sample.value
    return shares


def _stale_run(folder: Path, db_url: str) -> None:
    """What an earlier run left behind: a process that counted 1000 requests to /healthz."""
    code = (
        "from closeloop.http.middleware import HttpMetrics;"
        "HttpMetrics().requests.labels('GET', '/healthz', '200').inc(1000)"
    )
    env = server_env(db_url, PROMETHEUS_MULTIPROC_DIR=str(folder))
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def test_a_scrape_adds_up_the_requests_of_every_worker_process(db_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    _stale_run(folder, db_url)
    env = server_env(db_url, PROMETHEUS_MULTIPROC_DIR=str(folder))
    sent = 0
    with serving(env, workers=2, log=tmp_path / "serve.log") as base:
        with ThreadPoolExecutor(8) as pool:
            # batches until both processes have answered some (the kernel picks who accepts)
            while sent == 0 or (len(_shares(folder)) < 2 and sent < 10 * BATCH):
                list(pool.map(lambda _: get(f"{base}/healthz"), range(BATCH)))
                sent += BATCH
        shares = _shares(folder)
        scrapes = [get(f"{base}/metrics").decode() for _ in range(6)]
        for scrape in scrapes:
            assert _healthz_count(scrape) == sent
            assert re.search(r"^closeloop_http_requests_waiting 0\.0$", scrape, re.M), scrape
        assert re.search(r"^closeloop_http_request_duration_seconds_count\{", scrapes[0], re.M)
    assert len(shares) == 2, shares
    assert sum(shares.values()) == sent
    assert all(0 < share < sent for share in shares.values())  # neither had it all
    # each process that ended took its live gauge with it; its counts stay for the last scrape
    assert not list(folder.glob("gauge_livesum_*.db"))
    assert len(list(folder.glob("counter_*.db"))) == 2


def test_one_process_without_the_directory_keeps_its_metrics_in_memory(
    db_url: str, tmp_path: Path
) -> None:
    with serving(server_env(db_url), workers=1, log=tmp_path / "serve.log") as base:
        for _ in range(3):
            get(f"{base}/healthz")
        assert _healthz_count(get(f"{base}/metrics").decode()) == 3
