"""What the three TMF APIs share: the TMF error format, scopes, bodies, fields and paging."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from closeloop.auth.deps import CurrentActor
from closeloop.http.deps import DbSession
from closeloop.http.openapi import ErrorFormat, use_error_format
from closeloop.http.problems import http_error_headers
from closeloop.kit.actor import Actor
from closeloop.kit.errors import CloseLoopError, Forbidden
from closeloop.tmf.models import TmfClient

PREFIX = "/tmf-api"
CLIENT_ROLE = "client"
SCOPES = ("tickets", "customers", "communication")
MAX_LIMIT = 500
DEFAULT_LIMIT = 100


# Every TMF operation may answer 400: bodies are read by hand (json_object), not declared.
BAD_REQUEST: dict[int | str, dict[str, Any]] = {
    400: {"description": "Malformed input: the body, a field or a query parameter"}
}


# The resource a POST or PATCH sends, read by hand (json_object) and checked as the TM Forum
# specification says: the description says at least that a JSON object is required.
JSON_OBJECT_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}


class BadRequest(CloseLoopError):
    """Malformed input on a TMF path (400, as the conformance kits expect)."""

    status, problem, title = 400, "bad-request", "Bad Request"


class TmfError(BaseModel):
    """The TM Forum Error body (TMF630): the status again as a string, a reason, a message."""

    code: str
    reason: str
    message: str
    status: str


def tmf_error(status: int, reason: str, message: str, code: str | None = None) -> JSONResponse:
    """A TMF Error body: code, reason, message, status."""
    body = {
        "code": code or str(status),
        "reason": reason,
        "message": message,
        "status": str(status),
    }
    return JSONResponse(body, status_code=status)


def install_tmf_error_handlers(app: FastAPI) -> None:
    """Render errors on /tmf-api paths in the TMF error format; elsewhere keep problem+json.

    Call after the problem+json handlers are installed: those stay the fallback.
    """
    native = dict(app.exception_handlers)
    use_error_format(app, PREFIX, ErrorFormat("application/json", TmfError, 400))

    def wrap(kind: type[Exception], render: Callable[[Any, Request], JSONResponse]) -> None:
        fallback = native[kind]

        async def handler(request: Request, exc: Exception) -> Response:
            if request.url.path.startswith(PREFIX):
                return render(exc, request)
            return await fallback(request, exc)  # type: ignore[no-any-return]

        app.add_exception_handler(kind, handler)

    def closeloop(exc: CloseLoopError, _request: Request) -> JSONResponse:
        status = 400 if exc.status == 422 else exc.status
        reply = tmf_error(status, exc.title if status == exc.status else "Bad Request", exc.detail)
        reply.headers.update(exc.headers())
        return reply

    def validation(exc: RequestValidationError, _request: Request) -> JSONResponse:
        parts = [f"{'.'.join(map(str, e.get('loc', ())))}: {e.get('msg')}" for e in exc.errors()]
        return tmf_error(400, "Bad Request", "; ".join(parts) or "invalid input")

    def http(exc: StarletteHTTPException, request: Request) -> JSONResponse:
        reply = tmf_error(exc.status_code, "HTTP error", str(exc.detail))
        reply.headers.update(http_error_headers(request, exc))
        return reply

    wrap(CloseLoopError, closeloop)
    wrap(RequestValidationError, validation)
    wrap(StarletteHTTPException, http)


def require_scope(scope: str) -> Callable[[Session, Actor], Actor]:
    """A dependency: the actor holds tmf.<scope>; a machine client also holds the scope."""

    def dependency(session: DbSession, actor: CurrentActor) -> Actor:
        actor.require(f"tmf.{scope}")
        if actor.has_role(CLIENT_ROLE):
            client = session.get(TmfClient, actor.username)
            if client is None or scope not in client.scopes.split(","):
                raise Forbidden(f"this client has no {scope!r} scope")
        return actor

    dependency.__name__ = f"require_tmf_{scope}"
    return dependency


async def json_object(request: Request) -> dict[str, Any]:
    """The request body as a JSON object, or 400."""
    raw = await request.body()
    try:
        body = json.loads(raw or b"null")
    except ValueError as exc:
        raise BadRequest(f"the body is not JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise BadRequest("the body must be a JSON object")
    return body


T = TypeVar("T")


def expect(body: Mapping[str, Any], key: str, kind: type[T], *, required: bool = False) -> T | None:
    """body[key] when it has the expected JSON type; 400 when missing (if required) or wrong."""
    value = body.get(key)
    if value is None:
        if required:
            raise BadRequest(f"{key} is required")
        return None
    if not isinstance(value, kind):
        raise BadRequest(f"{key} must be a JSON {kind.__name__}")
    return value


def parse_fields(fields: str | None) -> list[str] | None:
    """The attribute names of `?fields=a,b` (None: all)."""
    if not fields:
        return None
    return [f.strip() for f in fields.split(",") if f.strip()]


def select_fields(resource: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    """Only the named first-level attributes of a resource (all when `fields` is None)."""
    if fields is None:
        return resource
    return {k: v for k, v in resource.items() if k in fields}


def paging(offset: int | None, limit: int | None) -> tuple[int, int]:
    """Checked offset and limit (400 when negative or above the maximum)."""
    off = 0 if offset is None else offset
    lim = DEFAULT_LIMIT if limit is None else limit
    if off < 0 or lim < 0 or lim > MAX_LIMIT:
        raise BadRequest(f"offset must be ≥ 0 and limit between 0 and {MAX_LIMIT}")
    return off, lim


def list_response(items: list[dict[str, Any]], total: int) -> JSONResponse:
    """A TMF list reply with X-Total-Count and X-Result-Count."""
    headers = {"X-Total-Count": str(total), "X-Result-Count": str(len(items))}
    return JSONResponse(items, headers=headers)


def base_url(request: Request) -> str:
    """Scheme, host and port the client used (for href)."""
    return str(request.base_url).rstrip("/")
