"""Admission control: no more than the limit of requests inside the application at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor

from starlette.types import Receive, Scope, Send

from closeloop.http.admission import AdmissionControl
from closeloop.http.middleware import HttpMetrics


class _SlowApp:
    """Counts how many calls are inside it at once."""

    def __init__(self) -> None:
        self.inside = 0
        self.most = 0
        self.served: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.inside += 1
        self.most = max(self.most, self.inside)
        await asyncio.sleep(0.01)
        self.served.append(scope["path"])
        self.inside -= 1


def _run(main: Callable[[], Awaitable[None]]) -> None:
    """Run on a thread of its own: a loop of its own whatever the test thread has."""
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, main()).result()  # type: ignore[arg-type]


async def _nothing() -> dict[str, object]:
    return {"type": "http.request"}


async def _ignore(_message: object) -> None:
    return None


def test_requests_beyond_the_limit_wait_and_all_are_served_in_order() -> None:
    inner = _SlowApp()
    metrics = HttpMetrics()
    admission = AdmissionControl(inner, limit=3, metrics=metrics)

    async def many() -> None:
        calls = [admission({"type": "http", "path": f"/{i}"}, _nothing, _ignore) for i in range(12)]
        await asyncio.gather(*calls)

    _run(many)
    assert inner.most == 3
    assert inner.served == [f"/{i}" for i in range(12)]  # first come, first served
    sample = metrics.registry.get_sample_value
    assert sample("closeloop_http_requests_waiting") == 0
    assert sample("closeloop_http_admission_wait_seconds_count") == 12
    # the last three waited for three rounds of 10 ms before them
    assert (sample("closeloop_http_admission_wait_seconds_sum") or 0) >= 0.09


def test_lifespan_and_other_scopes_pass_without_a_slot() -> None:
    inner = _SlowApp()
    admission = AdmissionControl(inner, limit=1, metrics=HttpMetrics())

    async def many() -> None:
        calls = [admission({"type": "lifespan", "path": "-"}, _nothing, _ignore) for _ in range(4)]
        await asyncio.gather(*calls)

    _run(many)
    assert inner.most == 4
