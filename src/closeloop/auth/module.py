"""The auth kernel's manifest entry: users, roles, tokens, the audit log."""

from __future__ import annotations

from datetime import timedelta

from closeloop.auth import admin_api, api, cli, models, tasks
from closeloop.auth.choices import ROLES
from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module

MODULE = Module(
    name="auth",
    models=(models,),
    routers=(api.router, admin_api.router),
    commands={"user": cli.app},
    jobs=(every(timedelta(hours=1), "auth.purge_expired", tasks.purge_expired),),
    roles=ROLES.attribute("name"),
    permissions={
        "audit.read": "read the audit log",
        "users.manage": "create, change and disable users; edit what each role may do",
    },
)
