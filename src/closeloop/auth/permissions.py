"""Roles and the permissions they grant by default — the data that `migrate` writes."""

from __future__ import annotations

ROLES: dict[str, str] = {
    "admin": "系统管理员",
    "supervisor": "值班长/质检",
    "agent": "一线坐席",
    "expert": "专家坐席",
    "callback": "回访坐席",
    "editor": "知识编辑",
    "station": "后端工位",
}

# permission → what it allows
PERMISSIONS: dict[str, str] = {
    "customers.read": "read customers, plans and timelines (personal data masked)",
    "customers.read_personal": "read phone and ID numbers unmasked (every read audited)",
    "customers.write": "create and change customers",
    "contacts.write": "record a customer contact",
    "org.read": "read stations, calendars and taxonomies",
    "audit.read": "read the audit log",
    "users.manage": "create, change and disable users",
    "tickets.read": "read tickets (station staff: those dispatched to their station)",
    "tickets.create": "open tickets",
    "notifications.read": "read the notification outbox",
    "customers.opt_out": "record a customer's notification opt-outs",
    "compensations.read": "read compensation proposals",
    "compensations.decide": "approve or reject compensation proposals",
    "reports.read": "read operational reports (overtime, KPIs)",
}

_READ = {"customers.read", "org.read", "tickets.read"}
_FRONT = _READ | {"contacts.write", "notifications.read", "customers.opt_out"}

ROLE_PERMISSIONS: dict[str, set[str]] = {
    "admin": set(PERMISSIONS),
    "supervisor": _FRONT
    | {
        "customers.read_personal",
        "customers.write",
        "tickets.create",
        "compensations.read",
        "compensations.decide",
        "reports.read",
    },
    "agent": _FRONT | {"customers.write", "tickets.create"},
    "expert": _FRONT | {"tickets.create"},
    "callback": _FRONT,
    "editor": {"org.read"},
    "station": _READ,
}
