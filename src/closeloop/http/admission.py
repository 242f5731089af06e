"""Admission control: a server process works on a few requests at once; the rest wait in line.

Python threads share one interpreter lock, so a process that takes on every request at once
spends its time switching between them: past a handful in flight, each request gets slower
and the process gets no more done. Waiting requests hold nothing (no thread, no database
connection) until they are let in, first come first served.
"""

from __future__ import annotations

import asyncio
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from closeloop.http.middleware import HttpMetrics


class AdmissionControl:
    """At most `limit` HTTP requests of this process inside the application at once; the
    queue's length and each request's wait are in the metrics."""

    def __init__(self, app: ASGIApp, limit: int, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self._slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        self.metrics.waiting.inc()
        try:
            await self._slots.acquire()
        finally:
            self.metrics.waiting.dec()
        try:
            self.metrics.admission_wait.observe(time.perf_counter() - started)
            await self.app(scope, receive, send)
        finally:
            self._slots.release()
