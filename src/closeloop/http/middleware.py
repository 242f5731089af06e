"""Request ids, access logs and Prometheus metrics per route, as one pure ASGI middleware."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from closeloop.kit.request_context import client_address_var, request_id_var

log = logging.getLogger("closeloop.access")


class HttpMetrics:
    """Request counts and latency histograms per method, route template and status."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "closeloop_http_requests",
            "HTTP requests handled",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "closeloop_http_request_duration_seconds",
            "HTTP request latency",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=self.registry,
        )
        self.waiting = Gauge(
            "closeloop_http_requests_waiting",
            "Requests waiting for a slot of admission control (CLOSELOOP_REQUESTS_IN_FLIGHT)",
            registry=self.registry,
            # with several worker processes: the sum over those alive (http/metrics.py)
            multiprocess_mode="livesum",
        )
        self.admission_wait = Histogram(
            "closeloop_http_admission_wait_seconds",
            "Time a request waited for a slot before the application took it on",
            buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )


def _route_template(scope: Scope) -> str:
    route: Any = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestContextMiddleware:
    """Gives every request an id (X-Request-ID), logs it, and measures it."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        incoming = headers.get(b"x-request-id", b"").decode("latin-1")[:64]
        rid = incoming if incoming.replace("-", "").isalnum() else uuid.uuid4().hex
        request_id_var.set(rid)
        client = scope.get("client")
        client_address_var.set(client[0] if client else None)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                took = f"app;dur={(time.perf_counter() - started) * 1000:.1f}".encode()
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", rid.encode()),
                    (b"server-timing", took),  # the server's own time, for benchmarks/console.py
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = _route_template(scope)
            method = scope.get("method", "GET")
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(elapsed)
            if log.isEnabledFor(logging.INFO):  # build the access record only when it is kept
                log.info(
                    "%s %s %s %.1fms",
                    method,
                    scope.get("path"),
                    status,
                    elapsed * 1000,
                    extra={
                        "method": method,
                        "path": scope.get("path"),
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 1),
                    },
                )
