"""Admission control: a server process works on a few requests at once; the rest wait in line.

Python threads share one interpreter lock, so a process that takes on every request at once
spends its time switching between them: past a handful in flight, each request gets slower
and the process gets no more done. Waiting requests hold nothing (no thread, no database
connection) until they are let in, first come first served.
"""

from __future__ import annotations

import asyncio

from starlette.types import ASGIApp, Receive, Scope, Send


class AdmissionControl:
    """At most `limit` HTTP requests of this process inside the application at once."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self._slots = asyncio.Semaphore(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        async with self._slots:
            await self.app(scope, receive, send)
