"""Proactive care's manifest entry (主动关怀): usage rules, the outbox, outages, ticket notices."""

from __future__ import annotations

from datetime import timedelta

from closeloop.care import (
    api,
    cli,
    models,
    settings,
    tasks,
    ticket_notices,
    timeline,
    verification_sms,
)
from closeloop.customers.events import VerificationCodeIssued
from closeloop.runtime.jobs import every, every_standalone
from closeloop.runtime.module import Module
from closeloop.tickets.events import DeadlineMissed, DeadlineNearing, TicketChanged

_FRONT = frozenset(
    {
        "notifications.read",
        "customers.opt_out",
        "subscriptions.read",
        "subscriptions.write",
        "care.outages.read",
    }
)

MODULE = Module(
    name="care",
    models=(models,),
    routers=(api.router,),
    commands={"usage": cli.usage_app, "notifications": cli.notifications_app},
    jobs=(
        every_standalone(timedelta(seconds=10), "care.dispatch", tasks.dispatch_outbox),
        every(timedelta(hours=1), "care.usage_summary", tasks.usage_summary),
        every(timedelta(hours=1), "care.trial_expiry", tasks.trial_expiry),
    ),
    settings=settings.SETTINGS,
    permissions={
        "notifications.read": "read the notification outbox",
        "customers.opt_out": "record a customer's notification opt-outs",
        "subscriptions.read": "read a customer's value-added service subscriptions",
        "subscriptions.write": "subscribe, cancel and renew value-added services for a customer",
        "care.outages.read": "read outage and cut-over notices",
        "care.outages": "declare and close outages and cut-overs (notifies the affected customers)",
        "care.rules": "read and change the proactive-care rules",
    },
    grants={
        "supervisor": _FRONT | {"care.outages", "care.rules"},
        "agent": _FRONT,
        "expert": _FRONT,
        "callback": _FRONT,
        "client": frozenset({"notifications.read"}),
    },
    timeline_sources=(timeline.notifications_source,),
    listeners=(
        (TicketChanged, ticket_notices.tell_customer_of_progress),
        (DeadlineNearing, ticket_notices.warn_of_deadline),
        (DeadlineMissed, ticket_notices.report_missed_deadline),
        (VerificationCodeIssued, verification_sms.send_code),
    ),
)
