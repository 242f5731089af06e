"""The customer's ticket tracking page (工单进度查询, `/t/{token}`): public, no sign-in, reached
from the link in every progress notice; phone-sized."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from closeloop.channels import limits, tracking
from closeloop.channels.choices import TRACKING_STAGES
from closeloop.console.web import redirect, render
from closeloop.http.deps import RequestWork, writes_on_read
from closeloop.kit.errors import InvalidInput

router = APIRouter(include_in_schema=False)
STAGES = TRACKING_STAGES.labels("en")
MAX_INFORMATION = 1000


def _limit(request: Request, work: RequestWork) -> None:
    address = request.client.host if request.client else None
    limits.check(work.session, "tracking", address, limits.TRACKING_PER_MIN, work.clock)


@router.get("/t/{token}", response_class=HTMLResponse)
@writes_on_read
def tracking_page(token: str, request: Request, work: RequestWork, added: int = 0) -> Response:
    """A ticket's progress as the customer sees it."""
    _limit(request, work)
    found = tracking.find(work.session, token, work.settings.secret_key)
    return render(
        request, "tracking.html", ticket=found, stages=STAGES, token=token, added=bool(added)
    )


@router.post("/t/{token}/information", response_class=HTMLResponse)
def add_information(
    token: str,
    request: Request,
    work: RequestWork,
    text: Annotated[str, Form(max_length=MAX_INFORMATION)] = "",
) -> Response:
    """The customer adds information to their ticket."""
    _limit(request, work)
    if not text.strip():
        raise InvalidInput.field(["form", "text"], "write what you want to add")
    tracking.add_information(
        work.session, token, work.settings.secret_key, text.strip(), work.clock
    )
    return redirect(f"/t/{token}?added=1")
