"""create_app(): the API routers, error handlers, metrics and the embedded worker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import PlainTextResponse, RedirectResponse
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from closeloop import __version__, console, plugins
from closeloop.auth.api import router as auth_router
from closeloop.care.api import router as care_router
from closeloop.care.care_api import router as care_extra_router
from closeloop.config import Settings, get_settings
from closeloop.customers.api import router as customers_router
from closeloop.db.engine import Database
from closeloop.http.admission import AdmissionControl
from closeloop.http.middleware import HttpMetrics, RequestContextMiddleware
from closeloop.http.problems import install_problem_handlers
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.logs import configure_logging
from closeloop.knowledge.api import assist_router as knowledge_assist_router
from closeloop.knowledge.api import router as knowledge_router
from closeloop.organisation.api import router as organisation_router
from closeloop.tickets.api import router as tickets_router
from closeloop.tickets.oversight_api import router as oversight_router
from closeloop.tmf import customers as tmf_customers
from closeloop.tmf import messages as tmf_messages
from closeloop.tmf import ticket_api as tmf_tickets
from closeloop.tmf.common import install_tmf_error_handlers
from closeloop.worker.loop import WorkerThread


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    clock: Clock | None = None,
    start_worker: bool | None = None,
) -> FastAPI:
    """Build the CloseLoop web application."""
    plugins.load()
    settings = settings or get_settings()
    database = database or Database(settings.database_url)
    clock = clock or system_clock
    run_worker = settings.worker_enabled if start_worker is None else start_worker
    configure_logging(settings.log_level, settings.log_json)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = WorkerThread(database, clock) if run_worker else None
        if worker:
            worker.start()
        try:
            yield
        finally:
            if worker:
                worker.stop()

    app = FastAPI(
        title="CloseLoop",
        version=__version__,
        description="Customer-service operations platform for telecom operators (客户服务运营平台)",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.clock = clock
    metrics = HttpMetrics()
    app.state.metrics = metrics
    app.add_middleware(AdmissionControl, limit=settings.requests_in_flight, metrics=metrics)
    app.add_middleware(RequestContextMiddleware, metrics=metrics)
    install_problem_handlers(app)
    install_tmf_error_handlers(app)

    @app.get("/", include_in_schema=False)
    def home() -> RedirectResponse:
        """The front door leads to the console (the API reference is at /docs)."""
        return RedirectResponse("/console")

    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Liveness: the process answers."""
        return {"status": "ok"}

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def prometheus_metrics() -> PlainTextResponse:
        """Prometheus metrics: request counts and latency histograms per route."""
        return PlainTextResponse(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    routers = (
        auth_router,
        customers_router,
        organisation_router,
        tickets_router,
        oversight_router,
        care_router,
        care_extra_router,
        knowledge_router,
        knowledge_assist_router,
        *(m.router for m in (tmf_tickets, tmf_customers, tmf_messages)),
        *(m.hub for m in (tmf_tickets, tmf_customers, tmf_messages)),
    )
    for router in routers:
        app.include_router(router)
    console.install(app)
    return app
