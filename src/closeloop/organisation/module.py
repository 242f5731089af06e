"""The organisation kernel's manifest entry: stations, business calendars, taxonomies."""

from __future__ import annotations

from closeloop.organisation import api, cli, models, taxonomy_api
from closeloop.runtime.module import Module

_STAFF = ("supervisor", "agent", "expert", "callback", "editor", "station", "client")

MODULE = Module(
    name="organisation",
    models=(models,),
    routers=(api.router, taxonomy_api.router),
    commands={"calendar": cli.app},
    permissions={
        "org.read": "read stations, calendars and taxonomies",
        "org.manage": "change stations, calendars and taxonomies",
    },
    grants={role: frozenset({"org.read"}) for role in _STAFF},
)
