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
    "client": "对接系统 (OSS/BSS machine client)",
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
    "subscriptions.read": "read a customer's value-added service subscriptions",
    "subscriptions.write": "subscribe, cancel and renew value-added services for a customer",
    "care.outages.read": "read outage and cut-over notices",
    "care.outages": "declare and close outages and cut-overs (notifies the affected customers)",
    "care.rules": "read and change the proactive-care rules",
    "compensations.read": "read compensation proposals",
    "compensations.decide": "approve or reject compensation proposals",
    "reports.read": "read operational reports (overtime, KPIs)",
    "kb.read": "read published knowledge articles and their scripts",
    "kb.search": "search the knowledge base and get suggestions for a ticket",
    "kb.use": "record that an article's answer was used in a ticket",
    "kb.feedback": "mark an article helpful or not helpful",
    "kb.draft": "write and change knowledge drafts, import articles",
    "kb.submit": "submit a draft for review",
    "kb.approve": "approve or reject an article in review",
    "kb.publish": "publish an approved article, roll back to an earlier version",
    "kb.retire": "retire a published article",
    "tmf.tickets": "use the TMF621 trouble-ticket API and its hub",
    "tmf.customers": "use the TMF629 customer API and its hub",
    "tmf.communication": "use the TMF681 communication API and its hub",
}

_KB_READ = {"kb.read", "kb.search"}
_KB_USE = _KB_READ | {"kb.use", "kb.feedback"}

_READ = {"customers.read", "org.read", "tickets.read"}
_CARE_FRONT = {"subscriptions.read", "subscriptions.write", "care.outages.read"}
_FRONT = (
    _READ | _KB_USE | _CARE_FRONT | {"contacts.write", "notifications.read", "customers.opt_out"}
)

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
        "care.outages",
        "care.rules",
        "kb.approve",
        "kb.publish",
        "kb.retire",
    },
    "agent": _FRONT | {"customers.write", "tickets.create"},
    "expert": _FRONT | {"tickets.create"},
    "callback": _FRONT,
    "editor": {"org.read", "kb.draft", "kb.submit"} | _KB_READ,
    "station": _READ | _KB_READ,
    # machine clients: each client token is further limited to the scopes it was created with
    "client": _READ
    | {"tickets.create", "customers.write", "notifications.read"}
    | {"tmf.tickets", "tmf.customers", "tmf.communication"},
}
