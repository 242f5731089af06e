"""The organisation kernel's manifest entry: stations, business calendars, taxonomies."""

from __future__ import annotations

from closeloop.organisation import api, cli, models, taxonomy_api
from closeloop.organisation.choices import ROLES
from closeloop.organisation.stewards import HEAD, OWN_STATION
from closeloop.runtime.module import Module

_STAFF = ("supervisor", "agent", "expert", "callback", "editor", "station", "client")

MODULE = Module(
    name="organisation",
    models=(models,),
    routers=(api.router, taxonomy_api.router),
    commands={"calendar": cli.app},
    roles=ROLES.attribute("name"),
    permissions={
        "org.read": "read stations, calendars and taxonomies",
        "org.manage": "change stations, calendars and taxonomies",
        OWN_STATION: "change the members and calendar of one's own station (station heads)",
    },
    grants={
        **{role: frozenset({"org.read"}) for role in _STAFF},
        HEAD: frozenset({"org.read", OWN_STATION}),
    },
)
