"""The customer's chat page (在线客服, `/chat`): public, phone-sized, also shown inside the
embeddable widget (console/static/chat_widget.js) on an operator's own site."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from closeloop.console.web import render
from closeloop.http.headers import CONSOLE_POLICY

router = APIRouter(include_in_schema=False)
# Inside the widget the page is framed by the operator's site: only this page may be framed.
EMBEDDED_POLICY = CONSOLE_POLICY.replace("frame-ancestors 'none'", "frame-ancestors *")


@router.get("/chat", response_class=HTMLResponse)
def customer_chat(request: Request, embed: int = 0) -> HTMLResponse:
    """The chat: the bot first, then an agent after the hand-over."""
    response = render(request, "customer_chat.html", embed=bool(embed))
    if embed:
        response.headers["content-security-policy"] = EMBEDDED_POLICY
        response.headers["x-frame-options"] = "ALLOWALL"  # not a DENY: the policy above decides
    return response
