"""The OpenAPI description tells the truth about errors (错误应答的接口描述).

Client teams generate their code from /openapi.json, so every error an operation can answer is
declared there with its body. The statuses come from what the route itself shows, read once
when the description is built, not written by hand beside each route:

- it needs a signed-in caller (its operation has `security`): 401, and 403 (not allowed);
- it has path parameters: 404 (no such record, or one the caller may not see);
- it writes (POST/PUT/PATCH/DELETE) as a signed-in caller: 409 (a rule forbids it now);
- it takes an `If-Match` header: 412 (stale version);
- it takes a body: 400 when the body cannot be read at all (not UTF-8);
- it takes parameters or a body: 422 (or the format's own status for invalid input);
- it works on the database: 503 (the database is unavailable just now, with Retry-After);
- a route adds what only it knows (e.g. 401 and 429 of sign-in) with `responses=`.

Every error response carries the error format of its path: problem+json (RFC 9457) by default,
another format under a prefix that registers one (the TM Forum façade's Error).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import BaseModel

from closeloop.http.deps import get_session
from closeloop.http.etag import IF_MATCH
from closeloop.http.problems import PROBLEM_JSON, Problem

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_COMPONENTS = "#/components/schemas/"


@dataclass(frozen=True)
class ErrorFormat:
    """How errors look under a path prefix: media type, body model, status of invalid input."""

    media_type: str
    model: type[BaseModel]
    invalid_input_status: int = 422


PROBLEM = ErrorFormat(PROBLEM_JSON, Problem)


def use_error_format(app: FastAPI, prefix: str, error_format: ErrorFormat) -> None:
    """Errors of the operations under `prefix` are described in `error_format`."""
    formats = _formats(app)
    formats[prefix] = error_format
    app.state.error_formats = formats


def _formats(app: FastAPI) -> dict[str, ErrorFormat]:
    return dict(getattr(app.state, "error_formats", {}))


def describe_errors(app: FastAPI) -> None:
    """Make `app.openapi()` declare every operation's error responses (built once, cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            _declare_errors(app, document)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _declare_errors(app: FastAPI, document: dict[str, Any]) -> None:
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    formats = {"": PROBLEM, **_formats(app)}
    for error_format in formats.values():
        schemas[error_format.model.__name__] = error_format.model.model_json_schema(
            ref_template=_COMPONENTS + "{model}"
        )
    for route in iter_route_contexts(app.routes):  # included routers' routes with their prefix
        path, methods = route.path_format, route.methods
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        assert path is not None and methods is not None  # an API route has both
        error_format = max(
            ((p, f) for p, f in formats.items() if path.startswith(p)),
            key=lambda pair: len(pair[0]),
        )[1]
        for method in methods:
            operation = document["paths"][path][method.lower()]
            _declare(operation, route, method, error_format)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)


def _declare(
    operation: dict[str, Any], route: RouteContext, method: str, error_format: ErrorFormat
) -> None:
    responses: dict[str, Any] = operation.setdefault("responses", {})
    responses.pop("422", None)  # FastAPI's own, in a format this API never answers with
    statuses = set(_statuses(operation, route, method, error_format))
    statuses |= {int(code) for code in responses if code.isdigit() and int(code) >= 400}
    for status in sorted(statuses):
        entry = responses.setdefault(str(status), {"description": HTTPStatus(status).phrase})
        # a database outage is answered as a problem on every path (http/db_outage.py)
        shown = PROBLEM if status == 503 else error_format
        entry["content"] = {
            shown.media_type: {"schema": {"$ref": _COMPONENTS + shown.model.__name__}}
        }
        if status in (429, 503):
            entry["headers"] = {
                "Retry-After": {
                    "description": "seconds to wait before trying again",
                    "schema": {"type": "integer", "minimum": 1},
                }
            }
    operation["responses"] = dict(sorted(responses.items()))


def _statuses(
    operation: dict[str, Any], route: RouteContext, method: str, error_format: ErrorFormat
) -> Iterator[int]:
    dependants = list(_walk(route.dependant))
    signed_in = bool(operation.get("security"))
    if signed_in:
        yield from (401, 403)
        if method in WRITES:
            yield 409
    if any(d.path_params for d in dependants):
        yield 404
    if any(h.alias == IF_MATCH for d in dependants for h in d.header_params):
        yield 412
    if any(d.body_params for d in dependants):
        yield 400  # a body that cannot be read at all (not UTF-8, cut short)
    if any(d.path_params or d.query_params or d.header_params or d.body_params for d in dependants):
        yield error_format.invalid_input_status
    if any(d.call is get_session for d in dependants):
        yield 503


def _walk(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for child in dependant.dependencies:
        yield from _walk(child)
