"""TroubleTicket hub events for every ticket change, whichever way in made it (API, console, CLI).

The ticket domain raises `TicketChanged` in the change's own transaction; this listener (wired
in the façade's manifest entry) turns it into TMF621 events for the hub's subscribers: a create
event, a status change (and a resolved event on reaching `resolved`), or an attribute change.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from closeloop.runtime.work import Work
from closeloop.tickets.events import TicketChanged
from closeloop.tmf import ticket_mapping as tt
from closeloop.tmf.events import emit
from closeloop.tmf.models import TmfSubscription, TmfTicket
from closeloop.tmf.ticket_service import API, CREATE_EXTRAS

# Built once: asked on every ticket change (cheap; a subscription counts from its commit on).
_SUBSCRIBED = select(exists().where(TmfSubscription.api == API))


def publish(work: Work, event: TicketChanged) -> None:
    """Write the TMF621 events of one ticket change for the hub's subscribers."""
    session, ticket, action, at = work.session, event.ticket, event.action, event.at
    if action == "create":
        extras = session.info.pop(CREATE_EXTRAS, None)
        if extras:
            session.add(TmfTicket(ticket_id=ticket.id, **extras))
            session.flush()
    if not session.scalar(_SUBSCRIBED):
        return
    resource = tt.render(session, [ticket], "")[0]

    def send(event_type: str) -> None:
        emit(session, API, event_type, str(ticket.id), resource, at, ticket_id=ticket.id)

    if action == "create":
        send("TroubleTicketCreateEvent")
        return
    before = tt.TO_TMF_STATUS.get(event.from_status or "", event.from_status)
    after = tt.TO_TMF_STATUS.get(ticket.status, ticket.status)
    if before == after:
        send("TroubleTicketAttributeValueChangeEvent")
        return
    send("TroubleTicketStatusChangeEvent")
    if after == "resolved":
        send("TroubleTicketResolvedEvent")
