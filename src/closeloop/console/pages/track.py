"""Following one's tickets by number (按号码查询工单, `/track`): public, no sign-in, made for a
phone. The customer types their number, then the SMS code; a short-lived signed cookie then
shows all their open and recent tickets, each linking to its own tracking page."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from closeloop.channels import limits, track_by_number, track_pass
from closeloop.channels.choices import TRACKING_STAGES
from closeloop.console.session import (
    CSRF_FIELD,
    CsrfRejected,
    check_csrf,
    csrf_token,
    prelogin_key,
    set_cookie,
)
from closeloop.console.web import language_of, redirect, render
from closeloop.http.deps import RequestWork, writes_on_read
from closeloop.kit.errors import InvalidInput, TooManyRequests
from closeloop.kit.masking import mask_msisdn

router = APIRouter(include_in_schema=False)
PASS_COOKIE = "closeloop_track"
STAGES = TRACKING_STAGES.labels("en")
Text = Annotated[str, Form(max_length=64)]
Csrf = Annotated[str, Form(alias=CSRF_FIELD, max_length=128)]


def _address(request: Request) -> str | None:
    return request.client.host if request.client else None


def _here(request: Request, path: str = "/track") -> str:
    """A page of this flow, keeping an English reader in English."""
    return f"{path}?lang=en" if language_of(request) == "en" else path


def _page(request: Request, step: str, *, status: int = 200, **context: Any) -> HTMLResponse:
    secret = request.app.state.settings.secret_key
    return render(
        request,
        "track.html",
        status_code=status,
        step=step,
        stages=STAGES,
        csrf=csrf_token(secret, prelogin_key(request)),
        here=lambda path="/track": _here(request, path),
        **context,
    )


def _busy(request: Request, problem: TooManyRequests) -> HTMLResponse:
    response = _page(request, "busy", status=429, wait=problem.retry_after)
    response.headers.update(problem.headers())
    return response


def _refused(request: Request, work: RequestWork, submitted: str) -> HTMLResponse | None:
    """The answer when a form is throttled or expired; None to go on."""
    try:
        limits.check(
            work.session, "tracking", _address(request), limits.TRACKING_PER_MIN, work.clock
        )
        check_csrf(request, submitted, prelogin_key(request))
    except TooManyRequests as problem:
        return _busy(request, problem)
    except CsrfRejected:
        return _page(request, "number", status=403, error="expired-form")
    return None


@router.get("/track", response_class=HTMLResponse)
@writes_on_read
def track_page(request: Request, work: RequestWork) -> Response:
    """The number form, or the verified number's tickets."""
    try:
        limits.check(
            work.session, "tracking", _address(request), limits.TRACKING_PER_MIN, work.clock
        )
    except TooManyRequests as problem:
        return _busy(request, problem)
    secret, now = work.settings.secret_key, work.clock.now()
    holder = track_pass.pass_holder(request.cookies.get(PASS_COOKIE), secret, now)
    if holder is None:
        return _page(request, "number")
    tickets = track_by_number.followed(work.session, holder, secret, now)
    return _page(request, "list", tickets=tickets, masked=mask_msisdn(holder))


@router.post("/track/code", response_class=HTMLResponse)
def ask_code(request: Request, work: RequestWork, msisdn: Text = "", csrf: Csrf = "") -> Response:
    """Send a code (if the number is a customer's: the answer is the same either way)."""
    refused = _refused(request, work, csrf)
    if refused is not None:
        return refused
    try:
        number = track_by_number.checked_number(msisdn)
        track_by_number.ask_code(
            work.session, number, _address(request), work.settings.secret_key, work.clock
        )
    except InvalidInput:
        return _page(request, "number", status=422, error="bad-number", typed=msisdn)
    except TooManyRequests as problem:
        return _busy(request, problem)
    asked = track_pass.asked_note(number, work.settings.secret_key, work.clock.now())
    return _code_step(request, number, asked)


def _code_step(
    request: Request, number: str, asked: str, *, error: str | None = None
) -> HTMLResponse:
    status = 422 if error else 200
    return _page(
        request, "code", status=status, asked=asked, masked=mask_msisdn(number), error=error
    )


@router.post("/track/confirm", response_class=HTMLResponse)
def confirm_code(
    request: Request, work: RequestWork, asked: Text = "", code: Text = "", csrf: Csrf = ""
) -> Response:
    """Check the code; a right one gives a pass for 30 minutes and shows the tickets."""
    refused = _refused(request, work, csrf)
    if refused is not None:
        return refused
    secret, now = work.settings.secret_key, work.clock.now()
    note = track_pass.asked_of(asked, secret)
    if note is None:
        return _page(request, "number", status=422, error="no-code")
    number, asked_at = note
    if track_by_number.code_expired(asked_at, now):
        return _page(request, "number", status=422, error="expired-code", typed=number)
    try:
        typed = track_by_number.checked_code(code)
    except InvalidInput:
        return _code_step(request, number, asked, error="bad-code")
    # a wrong code is answered, not raised: its spent try must be kept
    if not track_by_number.confirm(work.session, number, typed, now):
        return _code_step(request, number, asked, error="wrong-code")
    response = redirect(_here(request))
    age = int(track_pass.PASS_FOR.total_seconds())
    set_cookie(request, response, PASS_COOKIE, track_pass.issue_pass(number, secret, now), age)
    return response


@router.post("/track/forget")
def forget(request: Request, work: RequestWork, csrf: Csrf = "") -> Response:
    """Stop showing this number's tickets in this browser."""
    refused = _refused(request, work, csrf)
    if refused is not None:
        return refused
    response = redirect(_here(request))
    response.delete_cookie(PASS_COOKIE, path="/")
    return response


@router.get("/track/code")
@router.get("/track/confirm")
@router.get("/track/forget")
def back_to_start(request: Request) -> Response:
    """A form's address opened directly (or the language switched on a form's answer): the
    start of the flow, in the language asked for."""
    return redirect(_here(request))
