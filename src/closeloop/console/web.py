"""Rendering console pages: the Jinja2 environment, the page language, redirects, errors."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from closeloop.care.code_masking import readable_text
from closeloop.console import i18n, labels
from closeloop.console.menu import menu_for
from closeloop.console.session import LANGUAGE_COOKIE, PRELOGIN_COOKIE, ConsoleUser, set_cookie
from closeloop.kit.masking import mask_msisdn

YEAR = 365 * 24 * 3600


@cache
def environment() -> Environment:
    """The template environment (autoescaped HTML; `_` comes with each render)."""
    env = Environment(
        loader=PackageLoader("closeloop.console", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["labels"] = labels
    env.filters["mask"] = mask_msisdn
    env.globals["menu_for"] = menu_for
    env.filters["notice_text"] = lambda n: readable_text(n.rule, n.text)
    return env


def language_of(request: Request, user: ConsoleUser | None = None) -> str:
    """The language of this page for this user."""
    settings = request.app.state.settings
    return i18n.choose(
        request.query_params.get("lang"),
        request.cookies.get(LANGUAGE_COOKIE),
        user.actor.language if user else None,
        settings.language,
    )


def local_time(request: Request, value: datetime | None, pattern: str = "%Y-%m-%d %H:%M") -> str:
    """A stored UTC time shown in the site's time zone."""
    if value is None:
        return ""
    return value.astimezone(request.app.state.settings.tz).strftime(pattern)


def page_url(request: Request, **changes: Any) -> str:
    """This page's URL with some query parameters changed (None drops one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + ("?" + query if query else "")


def render(
    request: Request,
    template: str,
    user: ConsoleUser | None = None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page in the user's language, with the helpers every template uses."""
    language = language_of(request, user)
    catalogue = i18n.translations(language)
    html = (
        environment()
        .get_template(template)
        .render(
            request=request,
            user=user,
            lang=language,
            _=catalogue.gettext,
            ngettext=catalogue.ngettext,
            local_time=lambda value, pattern="%Y-%m-%d %H:%M": local_time(request, value, pattern),
            page_url=lambda **changes: page_url(request, **changes),
            now=request.app.state.clock.now(),
            **context,
        )
    )
    response = HTMLResponse(html, status_code=status_code)
    remember(request, response)
    return response


def remember(request: Request, response: Any) -> None:
    """Keep a `?lang=` choice and a new pre-login key in cookies."""
    chosen = i18n.normalise(request.query_params.get("lang"))
    if chosen and chosen != request.cookies.get(LANGUAGE_COOKIE):
        set_cookie(request, response, LANGUAGE_COOKIE, chosen, YEAR)
    new_key = getattr(request.state, "new_prelogin", None)
    if new_key:
        set_cookie(request, response, PRELOGIN_COOKIE, new_key, 3600)


def redirect(url: str) -> RedirectResponse:
    """After a form: see the result page (303 turns the POST into a GET)."""
    return RedirectResponse(url, status_code=303)


def markup(html: str) -> Markup:
    """Trusted HTML made by CloseLoop itself (charts, rendered Markdown)."""
    return Markup(html)
