"""The customers kernel's manifest entry: customers, plans, contacts and the timeline."""

from __future__ import annotations

from closeloop.customers import api, cli, models, timeline
from closeloop.runtime.module import Module

_SERVE = frozenset({"customers.read", "contacts.write"})

MODULE = Module(
    name="customers",
    models=(models,),
    routers=(api.router,),
    commands={"import": cli.app},
    permissions={
        "customers.read": "read customers, plans and timelines (personal data masked)",
        "customers.read_personal": "read phone and ID numbers unmasked (every read audited)",
        "customers.write": "create and change customers",
        "contacts.write": "record a customer contact",
    },
    grants={
        "supervisor": _SERVE | {"customers.read_personal", "customers.write"},
        "agent": _SERVE | {"customers.write"},
        "expert": _SERVE,
        "callback": _SERVE,
        "station": frozenset({"customers.read"}),
        "client": frozenset({"customers.read", "customers.write"}),
    },
    timeline_sources=(timeline.contacts_source, timeline.tier_changes_source),
)
