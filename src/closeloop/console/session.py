"""Console sign-in: a session cookie holding a revocable token, and CSRF tokens for forms.

The cookie carries the same kind of token as the API (expiring, revocable, only its digest
stored), so logout and user disabling end a console session at once. Every form carries a
CSRF token: an HMAC of the session token (or, before sign-in, of a random cookie value).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from closeloop.auth.tokens import user_for_token
from closeloop.auth.users import actor_for
from closeloop.http.deps import RequestWork
from closeloop.kit.actor import Actor
from closeloop.kit.errors import CloseLoopError, Unauthenticated

SESSION_COOKIE = "closeloop_session"
PRELOGIN_COOKIE = "closeloop_prelogin"
LANGUAGE_COOKIE = "closeloop_lang"
CSRF_FIELD = "csrf_token"


class SignInRequired(CloseLoopError):
    """The page needs a signed-in user; the console answers with a redirect to /login."""

    status, problem, title = 401, "sign-in-required", "Sign-in required"


class CsrfRejected(CloseLoopError):
    """A form came without the token of this session (403)."""

    status, problem, title = 403, "csrf-rejected", "Form expired"


def is_secure(request: Request) -> bool:
    """Whether the browser reached us over https (directly or through a proxy)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def set_cookie(request: Request, response: Response, name: str, value: str, age: int) -> None:
    """A cookie that scripts cannot read, sent only to this site (and only over https there)."""
    response.set_cookie(
        name,
        value,
        max_age=age,
        httponly=True,
        samesite="lax",
        secure=is_secure(request),
        path="/",
    )


def csrf_token(secret: str, key: str) -> str:
    """The form token bound to a session (or pre-login) key."""
    return hmac.new(secret.encode(), ("csrf:" + key).encode(), hashlib.sha256).hexdigest()


def prelogin_key(request: Request) -> str:
    """The random key of a browser that has not signed in yet (new when it has none)."""
    key = request.cookies.get(PRELOGIN_COOKIE)
    if not key or len(key) > 64:
        key = secrets.token_urlsafe(24)
        request.state.new_prelogin = key
    return key


def check_csrf(request: Request, submitted: str | None, key: str) -> None:
    """403 unless the form carried this session's token."""
    expected = csrf_token(request.app.state.settings.secret_key, key)
    if not submitted or not hmac.compare_digest(submitted, expected):
        raise CsrfRejected("this form has expired or did not come from CloseLoop; reload the page")


@dataclass(frozen=True)
class ConsoleUser:
    """The signed-in console user: the actor plus what the pages show of them."""

    actor: Actor
    display_name: str
    token: str
    csrf: str


def console_user(request: Request, work: RequestWork) -> ConsoleUser:
    """The signed-in user of a console page (redirect to /login otherwise)."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise SignInRequired("sign in to use the console")
    try:
        user = user_for_token(work.session, token, clock=work.clock)
    except Unauthenticated as exc:
        raise SignInRequired(exc.detail) from exc
    actor = actor_for(work.session, user)
    request.state.actor = actor
    secret = request.app.state.settings.secret_key
    signed = ConsoleUser(
        actor, user.display_name or user.username, token, csrf_token(secret, token)
    )
    request.state.console_user = signed  # error pages keep the menu
    return signed


SignedIn = Annotated[ConsoleUser, Depends(console_user)]
