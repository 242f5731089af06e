"""The TM Forum façade's manifest entry: TMF621, TMF629 and TMF681 with their hubs."""

from __future__ import annotations

from datetime import timedelta

from closeloop.runtime.jobs import every_standalone
from closeloop.runtime.module import Module
from closeloop.tickets.events import TicketChanged
from closeloop.tmf import cli, customers, delivery, messages, models, native_events, ticket_api
from closeloop.tmf.common import install_tmf_error_handlers

_APIS = (ticket_api, customers, messages)

MODULE = Module(
    name="tmf",
    models=(models,),
    routers=(*(api.router for api in _APIS), *(api.hub for api in _APIS)),
    install=install_tmf_error_handlers,
    commands={"client": cli.app},
    jobs=(every_standalone(timedelta(seconds=5), "tmf.deliver_events", delivery.deliver_events),),
    permissions={
        "tmf.tickets": "use the TMF621 trouble-ticket API and its hub",
        "tmf.customers": "use the TMF629 customer API and its hub",
        "tmf.communication": "use the TMF681 communication API and its hub",
    },
    grants={"client": frozenset({"tmf.tickets", "tmf.customers", "tmf.communication"})},
    listeners=((TicketChanged, native_events.publish),),
)
