"""A database that cannot be reached answers 503 with Retry-After, not a 500.

While PostgreSQL restarts or is unreachable, a request fails fast (psycopg's connect timeout,
db/engine.py) with `database-unavailable` problem+json and a `Retry-After` header; the pool
drops the dead connections and the next request after the outage works without restarting
CloseLoop. The DB-API's OperationalError and InterfaceError are the errors of the database's
operation, not of the statement (a lost connection, a server shutting down, a deadlock or a
locked SQLite file: all worth retrying); a bad statement or a broken constraint stays a 500.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from closeloop.http.problems import problem_response
from closeloop.kit.errors import CloseLoopError

log = logging.getLogger("closeloop.http")

RETRY_AFTER_SECONDS = 5


class DatabaseUnavailable(CloseLoopError):
    """The database cannot be reached just now (503); the client should retry."""

    status, problem, title = 503, "database-unavailable", "Service Unavailable"

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(RETRY_AFTER_SECONDS)}


def install_outage_handler(app: FastAPI) -> None:
    """Answer database outages with 503 problem+json and Retry-After."""

    async def _outage(request: Request, exc: Exception) -> Response:
        log.warning("database unavailable: %s", str(exc).splitlines()[0] if str(exc) else exc)
        error = DatabaseUnavailable("the database is unavailable just now; try again shortly")
        page = getattr(request.app.state, "error_page", None)  # the console's HTML errors
        if page is not None and (shown := page(request, error)) is not None:
            shown.headers.update(error.headers())
            return shown  # type: ignore[no-any-return]
        return problem_response(error.status, error.body(), error.headers())

    for kind in (OperationalError, InterfaceError, PoolTimeout):
        app.add_exception_handler(kind, _outage)
