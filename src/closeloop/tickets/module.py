"""The work-order domain's manifest entry (工单): tickets, deadlines, compensation, reports."""

from __future__ import annotations

from datetime import timedelta

from closeloop.organisation.events import CalendarChanged, StationCalendarChanged
from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module
from closeloop.tickets import (
    api,
    cli,
    compensation,
    models,
    oversight_api,
    reschedule,
    settings,
    tasks,
    timeline,
)

_OPEN = frozenset({"tickets.read", "tickets.create"})

MODULE = Module(
    name="tickets",
    models=(models, compensation),
    routers=(api.router, oversight_api.router),
    commands={"sla": cli.app},
    jobs=(every(timedelta(minutes=1), "tickets.sla_scan", tasks.sla_scan),),
    settings=settings.SETTINGS,
    permissions={
        "tickets.read": "read tickets (station staff: those dispatched to their station)",
        "tickets.create": "open tickets",
        "compensations.read": "read compensation proposals",
        "compensations.decide": "approve or reject compensation proposals",
        "reports.read": "read operational reports (overtime, KPIs)",
    },
    grants={
        "supervisor": _OPEN | {"compensations.read", "compensations.decide", "reports.read"},
        "agent": _OPEN,
        "expert": _OPEN,
        "callback": frozenset({"tickets.read"}),
        "station": frozenset({"tickets.read"}),
        "client": _OPEN,
    },
    timeline_sources=(timeline.ticket_events_source,),
    listeners=(
        (CalendarChanged, reschedule.move_running_deadlines),
        (StationCalendarChanged, reschedule.follow_station_calendar),
    ),
    defaults=(compensation.sync_rules,),
)
