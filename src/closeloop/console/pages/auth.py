"""Sign-in and sign-out pages (登录 / 退出)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from closeloop.auth.service import sign_in, sign_in_limits
from closeloop.auth.tokens import revoke_token
from closeloop.auth.users import set_language
from closeloop.config import Settings
from closeloop.console import i18n
from closeloop.console.page import Page
from closeloop.console.session import (
    CSRF_FIELD,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    check_csrf,
    csrf_token,
    prelogin_key,
    set_cookie,
)
from closeloop.console.web import YEAR, redirect, remember, render
from closeloop.http.deps import AppSettings, RequestWork

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form()]


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a console page of this site."""
    if target and target.startswith("/console") and "//" not in target and "\\" not in target:
        return target
    return "/console"


def _login_page(
    request: Request, settings: Settings, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    key = prelogin_key(request)
    return render(
        request,
        "login.html",
        status_code=status,
        csrf=csrf_token(settings.secret_key, key),
        next=safe_next(request.query_params.get("next")),
        username=request.query_params.get("username", ""),
        error=error,
    )


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, settings: AppSettings) -> HTMLResponse:
    """The sign-in form."""
    return _login_page(request, settings)


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    work: RequestWork,
    username: Text = "",
    password: Text = "",
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_: Annotated[str, Form(alias="next")] = "/console",
) -> Response:
    """Check the credentials (throttled like the API) and start a console session."""
    check_csrf(request, csrf_token_, prelogin_key(request))
    address = request.client.host if request.client else None
    settings = work.settings
    result = sign_in(
        work.session,
        username.strip(),
        password,
        address,
        limits=sign_in_limits(settings),
        ttl=timedelta(minutes=settings.token_ttl_minutes),
        clock=work.clock,
    )
    if result.token is None:
        page = _login_page(request, settings, error="wrong username or password", status=401)
        return page
    response = redirect(safe_next(next_))
    set_cookie(request, response, SESSION_COOKIE, result.token, result.expires_in)
    remember(request, response)
    return response


@router.post("/logout")
def logout(page: Page, csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "") -> Response:
    """End the session: the token is revoked, the cookie dropped."""
    page.check_csrf(csrf_token_)
    revoke_token(page.session, page.actor, page.user.token, clock=page.work.clock)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/console/language")
def choose_language(
    page: Page,
    language: Text = "",
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_: Annotated[str, Form(alias="next")] = "/console",
) -> Response:
    """Keep the user's console language as their setting (and in this browser)."""
    page.check_csrf(csrf_token_)
    chosen = i18n.normalise(language)
    set_language(page.session, page.actor, chosen, clock=page.work.clock)
    response = redirect(safe_next(next_))
    if chosen:
        set_cookie(page.request, response, LANGUAGE_COOKIE, chosen, YEAR)
    return response
