"""Errors on console pages: a sign-in redirect or an HTML page, never problem+json."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from closeloop.console.session import SignInRequired
from closeloop.console.web import render
from closeloop.kit.errors import CloseLoopError

CONSOLE_PATHS = ("/console", "/login", "/logout")


def is_console(request: Request) -> bool:
    """Whether the request is for a console page."""
    return request.url.path.startswith(CONSOLE_PATHS)


def error_page(request: Request, exc: CloseLoopError) -> Response | None:
    """The console's answer to an error, or None to let the API answer with problem+json."""
    if not is_console(request):
        return None
    if isinstance(exc, SignInRequired):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)
    user = getattr(request.state, "console_user", None)
    response = render(request, "error.html", user, status_code=exc.status, error=exc)
    for name, value in exc.headers().items():
        if name.lower() != "www-authenticate":
            response.headers[name] = value
    return response
