"""Security headers on every answer (安全响应头): what a browser may load, frame and send.

The console loads only its own scripts, styles and images (no inline script or `style=""`: a
policy without 'unsafe-inline' refuses them, so injected markup cannot run). The API's answers
are data, never pages: they may load nothing at all. The API reference (Swagger UI at /docs,
ReDoc at /redoc) comes from our own files (http/reference.py) and is started by FastAPI's inline
script: it alone gets a policy that allows inline script, and it holds no one's data.
"""

from __future__ import annotations

import inspect
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONSOLE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; frame-ancestors 'none'; "
    "base-uri 'self'; form-action 'self'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_POLICY = (  # Swagger UI and ReDoc from our own files, started by FastAPI's inline script
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; worker-src 'self' blob:; "
    "object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
# answers that are data: the API, the TM Forum façade and the operations endpoints
API_PREFIXES = ("/api/", "/tmf-api/", "/metrics", "/healthz", "/openapi.json")
DOCS_PATHS = ("/docs", "/docs/oauth2-redirect", "/redoc")


def headers_for(path: str) -> list[tuple[bytes, bytes]]:
    """The security headers of an answer to `path`."""
    if path in DOCS_PATHS:
        policy, referrer = DOCS_POLICY, "same-origin"
    elif path.startswith(API_PREFIXES):
        policy, referrer = API_POLICY, "no-referrer"
    else:
        policy, referrer = CONSOLE_POLICY, "same-origin"
    return [
        (b"content-security-policy", policy.encode()),
        (b"x-frame-options", b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", referrer.encode()),
    ]


class SecurityHeaders:
    """Adds the security headers to every HTTP answer that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = headers_for(scope.get("path", ""))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message["headers"] = [
                    *message.get("headers", []),
                    *((name, value) for name, value in extra if name not in present),
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def cover_unexpected_errors(app: FastAPI) -> None:
    """Put the headers on the 500 answer too: Starlette makes it in its outermost middleware,
    outside `SecurityHeaders`. Call after every error handler is installed."""
    handler: Any = app.exception_handlers.get(Exception)
    if handler is None:
        return

    async def with_headers(request: Request, exc: Exception) -> Response:
        response: Any = handler(request, exc)
        if inspect.isawaitable(response):
            response = await response
        for name, value in headers_for(request.url.path):
            response.headers.setdefault(name.decode(), value.decode())
        return response  # type: ignore[no-any-return]

    app.exception_handlers[Exception] = with_headers
