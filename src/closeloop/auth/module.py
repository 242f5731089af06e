"""The auth kernel's manifest entry: users, roles, tokens, the audit log."""

from __future__ import annotations

from datetime import timedelta

from closeloop.auth import admin_api, api, cli, models, tasks
from closeloop.runtime.jobs import every
from closeloop.runtime.module import Module

ROLES = {
    "admin": "系统管理员",
    "supervisor": "值班长/质检",
    "agent": "一线坐席",
    "expert": "专家坐席",
    "callback": "回访坐席",
    "editor": "知识编辑",
    "station": "后端工位",
    "client": "对接系统 (OSS/BSS machine client)",
}

MODULE = Module(
    name="auth",
    models=(models,),
    routers=(api.router, admin_api.router),
    commands={"user": cli.app},
    jobs=(every(timedelta(hours=1), "auth.purge_expired", tasks.purge_expired),),
    roles=ROLES,
    permissions={
        "audit.read": "read the audit log",
        "users.manage": "create, change and disable users; edit what each role may do",
    },
)
