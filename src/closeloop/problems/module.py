"""Problem management's manifest entry (问题管理): problems, alarms, burst detection."""

from __future__ import annotations

from datetime import timedelta

from closeloop.problems import api, choices, cli, linking, models, settings, tasks
from closeloop.problems.alarms import RAISE
from closeloop.problems.service import MANAGE, READ
from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module
from closeloop.tickets.events import TicketChanged

_READ = frozenset({READ})
_WORK = frozenset({READ, MANAGE})

MODULE = Module(
    name="problems",
    models=(models,),
    routers=(api.router,),
    commands={"problems": cli.app},
    jobs=(every(timedelta(minutes=5), "problems.detect", tasks.detect),),
    roles=choices.ROLES.attribute("name"),
    settings=settings.SETTINGS,
    permissions={
        READ: "read problems, their linked tickets and alarms",
        MANAGE: "open, link, move and resolve problems (resolving replies their tickets)",
        RAISE: "send network alarms (monitoring systems: raise, update, clear)",
    },
    grants={
        "netops": _WORK | {RAISE},
        "supervisor": _WORK,
        "expert": _WORK,
        "agent": _READ,
        "callback": _READ,
        "station": _READ,
        "client": frozenset({RAISE}),
    },
    listeners=((TicketChanged, linking.join_live_problem),),
)
