"""create_app(): the modules' routers and pages, error handlers, metrics and the embedded worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, RedirectResponse
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from closeloop import __version__, modules
from closeloop.config import Settings, get_settings
from closeloop.db.engine import Database
from closeloop.http import metrics as farm
from closeloop.http.admission import AdmissionControl
from closeloop.http.db_outage import install_outage_handler
from closeloop.http.headers import SecurityHeaders, cover_unexpected_errors
from closeloop.http.middleware import HttpMetrics, RequestContextMiddleware
from closeloop.http.openapi import describe_errors
from closeloop.http.problems import install_problem_handlers
from closeloop.http.reference import install_api_reference
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.logs import configure_logging
from closeloop.organisation.calendars import schedule_check
from closeloop.worker.loop import WorkerThread


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    start_worker: bool | None = None,
) -> FastAPI:
    """Build the CloseLoop web application."""
    modules.wire()  # idempotent; done on import too
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    clock = clock or system_clock
    run_worker = settings.worker_enabled if start_worker is None else start_worker
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = WorkerThread(database, clock, settings) if run_worker else None
        if worker:
            worker.start()
        try:
            yield
        finally:
            if worker:
                worker.stop()
            farm.process_ended()  # its live gauges (requests waiting) leave the farm's sum

    app = FastAPI(
        title="CloseLoop",
        version=__version__,
        description="Customer-service operations platform for telecom operators (客户服务运营平台)",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock
    metrics = HttpMetrics()
    app.state.metrics = metrics
    app.add_middleware(AdmissionControl, limit=settings.requests_in_flight, metrics=metrics)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    app.add_middleware(SecurityHeaders)  # outermost: also on answers the others make
    install_problem_handlers(app)
    install_outage_handler(app)

    _operations(app)
    install_api_reference(app)
    _modules(app)
    cover_unexpected_errors(app)
    describe_errors(app)
    return app


def _modules(app: FastAPI) -> None:
    """Every module's routers, then its own wiring (error handlers, console pages)."""
    for module in modules.MODULES:
        for router in module.routers:
            app.include_router(router)
    for module in modules.MODULES:
        if module.install is not None:
            module.install(app)


def _operations(app: FastAPI) -> None:
    """The front door, liveness and metrics."""
    state = app.state

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """The front door leads to the console (the API reference is at /docs)."""
        return RedirectResponse("/console")

    @app.get("/healthz", tags=["operations"])
    def healthz(details: bool = False) -> dict[str, Any]:
        """Liveness: the process answers. `?details=true` adds checks that need attention
        (from 1 November: next year's holiday schedule missing from a station calendar)."""
        if not details:
            return {"status": "ok"}
        with state.database.unit_of_work() as session:
            today = state.clock.local_date(state.settings.tz)
            return {"status": "ok", "details": {"calendars": schedule_check(session, today)}}

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def prometheus_metrics() -> PlainTextResponse:
        """Prometheus metrics: request counts and latency histograms per route, summed over
        every worker process of this server (`serve --workers N`)."""
        return PlainTextResponse(
            farm.exposition(state.metrics.registry), media_type=CONTENT_TYPE_LATEST
        )
