"""The screen pop (来电弹屏): a call ringing at an agent's seat shows the caller's customer panel
and their open tickets, read through the customers' and tickets' services."""

from __future__ import annotations

from closeloop.channels import calls
from closeloop.channels.schemas import ScreenPopOut
from closeloop.customers.service import customer_out, get_customer
from closeloop.runtime.work import Work
from closeloop.tickets.queries import TicketFilter, list_tickets

OPEN = ("new", "expert", "dispatched", "in_progress", "pending", "replied")


def screen_pops(work: Work) -> list[ScreenPopOut]:
    """The agent's ringing and answered calls, each with its caller (masked) and open tickets."""
    found = []
    for call in calls.ringing_for(work.session, work.actor.username):
        customer = None
        tickets: list[dict[str, object]] = []
        if call.customer_id is not None:
            row = get_customer(work.session, work.actor, str(call.customer_id))
            customer = customer_out(work.session, work.actor, row, clock=work.clock).model_dump(
                mode="json"
            )
            tickets = _open_tickets(work, call.customer_id)
        found.append(
            ScreenPopOut(call=calls.call_out(call), customer=customer, open_tickets=tickets)
        )
    return found


def _open_tickets(work: Work, customer_id: int) -> list[dict[str, object]]:
    if not work.actor.can("tickets.read"):
        return []
    wanted = TicketFilter(status=OPEN, customer_id=str(customer_id))
    page, _next = list_tickets(work.session, work.actor, wanted, work.now(), limit=20)
    return [
        {"id": str(t.id), "number": t.number, "status": t.status, "title": t.title} for t in page
    ]
