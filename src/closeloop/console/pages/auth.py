"""Sign-in and sign-out pages (登录 / 退出)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from closeloop.auth.service import sign_in
from closeloop.auth.tokens import revoke_token
from closeloop.auth.users import set_language
from closeloop.console import i18n
from closeloop.console.session import (
    CSRF_FIELD,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    SignedIn,
    check_csrf,
    csrf_token,
    prelogin_key,
    set_cookie,
)
from closeloop.console.web import YEAR, redirect, remember, render
from closeloop.http.deps import AppClock, AppSettings, DbSession

router = APIRouter(include_in_schema=False)

Text = Annotated[str, Form()]


def safe_next(target: str | None) -> str:
    """Where to go after sign-in: only a console page of this site."""
    if target and target.startswith("/console") and "//" not in target and "\\" not in target:
        return target
    return "/console"


def _login_page(
    request: Request, settings: AppSettings, *, error: str | None = None, status: int = 200
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
    session: DbSession,
    settings: AppSettings,
    clock: AppClock,
    username: Text = "",
    password: Text = "",
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_: Annotated[str, Form(alias="next")] = "/console",
) -> Response:
    """Check the credentials (throttled like the API) and start a console session."""
    check_csrf(request, csrf_token_, prelogin_key(request))
    address = request.client.host if request.client else None
    result = sign_in(
        session,
        username.strip(),
        password,
        address,
        limit=settings.login_failures_per_minute,
        ttl=timedelta(minutes=settings.token_ttl_minutes),
        clock=clock,
    )
    if result.token is None:
        page = _login_page(request, settings, error="wrong username or password", status=401)
        return page
    response = redirect(safe_next(next_))
    set_cookie(request, response, SESSION_COOKIE, result.token, result.expires_in)
    remember(request, response)
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: DbSession,
    clock: AppClock,
    user: SignedIn,
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
) -> Response:
    """End the session: the token is revoked, the cookie dropped."""
    check_csrf(request, csrf_token_, user.token)
    revoke_token(session, user.actor, user.token, clock=clock)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/console/language")
def choose_language(
    request: Request,
    session: DbSession,
    clock: AppClock,
    user: SignedIn,
    language: Text = "",
    csrf_token_: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    next_: Annotated[str, Form(alias="next")] = "/console",
) -> Response:
    """Keep the user's console language as their setting (and in this browser)."""
    check_csrf(request, csrf_token_, user.token)
    chosen = i18n.normalise(language)
    set_language(session, user.actor, chosen, clock=clock)
    response = redirect(safe_next(next_))
    if chosen:
        set_cookie(request, response, LANGUAGE_COOKIE, chosen, YEAR)
    return response
