"""The screen pop (来电弹屏) in the console: a call ringing at the agent's seat, reported by the
phone system (`POST /api/v1/cti/events`), shows its caller with a link to the intake form,
which opens on the caller's customer panel and open tickets (console/static/screen_pop.js)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from closeloop.channels.screen_pop import screen_pops
from closeloop.console.page import Page
from closeloop.http.deps import writes_on_read

router = APIRouter(include_in_schema=False)


@router.get("/console/calls/pops")
@writes_on_read  # an unmasked number read is audited
def my_screen_pops(page: Page) -> JSONResponse:
    """The calls ringing or in progress at the signed-in agent's seat."""
    page.needs("customers.read")
    items = []
    for pop in screen_pops(page.work):
        customer = pop.customer or {}
        items.append(
            {
                "call_id": pop.call.call_id,
                "status": pop.call.status,
                "caller": customer.get("msisdn") or pop.call.caller,
                "name": customer.get("name"),
                "open_tickets": len(pop.open_tickets),
                "url": f"/console/tickets/new?msisdn={pop.call.caller}",
            }
        )
    return JSONResponse({"items": items})
