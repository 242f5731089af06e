"""Every error as application/problem+json (RFC 9457), 500s logged with their request id."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from closeloop.kit.errors import PROBLEM_BASE, CloseLoopError
from closeloop.kit.request_context import request_id_var

log = logging.getLogger("closeloop.http")

PROBLEM_JSON = "application/problem+json"

_HTTP_TITLES = {
    400: ("bad-request", "Bad Request"),
    401: ("unauthenticated", "Unauthorized"),
    403: ("forbidden", "Forbidden"),
    404: ("not-found", "Not Found"),
    405: ("method-not-allowed", "Method Not Allowed"),
    406: ("not-acceptable", "Not Acceptable"),
    413: ("payload-too-large", "Content Too Large"),
    415: ("unsupported-media-type", "Unsupported Media Type"),
}


class FieldError(BaseModel):
    """One invalid field: where it is (e.g. `["body", "msisdn"]`) and what is wrong."""

    loc: list[str | int]
    msg: str


class Problem(BaseModel):
    """An error as application/problem+json (RFC 9457); some problems add members of their own
    (a refused workflow action: `from_status`, `action`, `allowed`)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=[PROBLEM_BASE + "not-found"])
    title: str
    status: int = Field(ge=400, le=599)
    detail: str
    request_id: str | None = Field(None, description="quote it to the administrator")
    errors: list[FieldError] | None = Field(None, description="the invalid fields (422)")
    retry_after: int | None = Field(None, description="seconds to wait (429)")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path (its `Allow` header)."""
    path = request.scope.get("path", "")
    served: set[str] = set()
    for route in iter_route_contexts(request.app.router.routes):  # with included routers'
        if route.methods and route.path_regex.match(path):
            served |= route.methods
    return sorted(served)


def problem_response(
    status: int, body: dict[str, Any], headers: dict[str, str] | None = None
) -> JSONResponse:
    """A problem+json response carrying the request id."""
    rid = request_id_var.get()
    if rid:
        body = {**body, "request_id": rid}
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _validation_errors(exc: RequestValidationError) -> list[dict[str, Any]]:
    errors = []
    for error in exc.errors():
        loc = [p for p in error.get("loc", ()) if p != "body" or len(error["loc"]) == 1]
        errors.append({"loc": loc, "msg": error.get("msg", "invalid")})
    return errors


def http_error_headers(request: Request, exc: StarletteHTTPException) -> dict[str, str]:
    """The headers of an HTTP error; a 405 allows every method served at the path, not only
    those of the first route that matched it (a path's GET and POST may be two routes)."""
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return headers


def install_problem_handlers(app: FastAPI) -> None:
    """Register the handlers that render every error as problem+json."""

    @app.exception_handler(CloseLoopError)
    async def _closeloop_error(request: Request, exc: CloseLoopError) -> Response:
        page = getattr(request.app.state, "error_page", None)  # the console's HTML errors
        if page is not None and (shown := page(request, exc)) is not None:
            return shown  # type: ignore[no-any-return]
        return problem_response(exc.status, exc.body(), exc.headers())

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errors = _validation_errors(exc)
        detail = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors)
        page = getattr(request.app.state, "error_page", None)
        if page is not None:
            error = CloseLoopError(detail or "invalid input")
            error.status, error.problem, error.title = 422, "invalid-input", "Unprocessable"
            if (shown := page(request, error)) is not None:
                return shown  # type: ignore[no-any-return]
        body = {
            "type": PROBLEM_BASE + "invalid-input",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": detail or "invalid input",
            "errors": errors,
        }
        return problem_response(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        problem, title = _HTTP_TITLES.get(exc.status_code, ("http-error", "HTTP Error"))
        page = getattr(request.app.state, "error_page", None)
        if page is not None:
            error = CloseLoopError(str(exc.detail))
            error.status, error.problem, error.title = exc.status_code, problem, title
            if (shown := page(request, error)) is not None:
                return shown  # type: ignore[no-any-return]
        body = {
            "type": PROBLEM_BASE + problem,
            "title": title,
            "status": exc.status_code,
            "detail": str(exc.detail),
        }
        return problem_response(exc.status_code, body, http_error_headers(request, exc))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc)
        body = {
            "type": PROBLEM_BASE + "internal-error",
            "title": "Internal Server Error",
            "status": 500,
            "detail": "an unexpected error occurred; quote the request id to the administrator",
        }
        # This handler runs in Starlette's outermost middleware, outside the one that adds
        # X-Request-ID to responses, so the header is set here.
        rid = request_id_var.get()
        return problem_response(500, body, {"X-Request-ID": rid} if rid else None)
