"""The credit domain's manifest (信用与欠费): grades, the arrears ladder, disputes, reports."""

from __future__ import annotations

from datetime import timedelta

from closeloop.credit import api, bot_answers, cli, models, service, tasks, timeline
from closeloop.knowledge.bot import account
from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module
from closeloop.tickets.events import TicketChanged

# the bot answers "why is my line barred?" for a verified number (registered at install)
account.register(bot_answers.WHY_BARRED)

_SERVE = frozenset({"credit.read", "credit.dispute"})

MODULE = Module(
    name="credit",
    models=(models,),
    routers=(api.router,),
    commands={"credit": cli.app},
    jobs=(every(timedelta(days=1), "credit.run", tasks.daily_run),),
    permissions={
        "credit.read": "read customers' credit, arrears and ladder step, and the credit policy",
        "credit.dispute": "record a customer's arrears dispute (pauses the ladder for that bill)",
        "credit.policy": "change the credit policy (ladder, grades, scoring, rewards)",
        "credit.reports": "read the credit reports (ageing, arrears rate, write-offs, recovery)",
    },
    grants={
        "supervisor": _SERVE | {"credit.policy", "credit.reports"},
        "agent": _SERVE,
        "expert": _SERVE,
        "callback": frozenset({"credit.read"}),
        "station": frozenset({"credit.read"}),
    },
    timeline_sources=(timeline.credit_source,),
    listeners=((TicketChanged, service.end_disputes_of_closed_tickets),),
)
