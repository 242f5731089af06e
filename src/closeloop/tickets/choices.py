"""The ticket's closed sets, each declared once: statuses, actions, types, satisfaction; the
channels and severities it shares with customers and stations are declared there and named here.

Statuses carry the tags `open` (not yet closed or cancelled) and `station` (a station holds the
ticket) and `tmf`, the TMF621 status. Satisfaction values tagged `satisfied` close the ticket
after a callback.
"""

from __future__ import annotations

from typing import Literal

from closeloop.customers.choices import CHANNELS, Channel
from closeloop.kit.choices import Choice, Choices
from closeloop.organisation.choices import SEVERITIES, Severity

__all__ = [
    "ACTIONS",
    "CHANNELS",
    "SATISFACTION",
    "SEVERITIES",
    "STATUSES",
    "TYPES",
    "Channel",
    "Satisfaction",
    "Severity",
    "TicketType",
]

OPEN = "open"
AT_STATION = "station"

STATUSES = Choices(
    "ticket status",
    Choice("new", "新建", "New", tags=(OPEN,), tmf="acknowledged"),
    Choice("expert", "专家席处理中", "At expert seat", tags=(OPEN,), tmf="inProgress"),
    Choice("dispatched", "已派发", "Dispatched", tags=(OPEN, AT_STATION), tmf="inProgress"),
    Choice("in_progress", "处理中", "In progress", tags=(OPEN, AT_STATION), tmf="inProgress"),
    Choice("pending", "挂起", "Pending", tags=(OPEN, AT_STATION), tmf="pending"),
    Choice("replied", "已回单", "Replied", tags=(OPEN,), tmf="resolved"),
    Choice("closed", "已归档", "Closed", tone="ok", tmf="closed"),
    Choice("cancelled", "已撤销", "Cancelled", tone="ok", tmf="cancelled"),
)

# In the order menus offer them; the workflow table (tickets.workflow) says when each applies.
ACTIONS = Choices(
    "ticket action",
    Choice("resolve", "办结", "Resolve"),
    Choice("escalate", "升级至专家席", "Escalate to expert"),
    Choice("dispatch", "派发至工位", "Dispatch to station"),
    Choice("accept", "受理", "Accept"),
    Choice("return", "退单（派错）", "Return (misrouted)"),
    Choice("hold", "挂起", "Put on hold"),
    Choice("resume", "恢复处理", "Resume"),
    Choice("reply", "回单", "Reply"),
    Choice("callback", "登记回访", "Record callback"),
    Choice("cancel", "撤单", "Cancel"),
    Choice("reopen", "重启工单", "Reopen"),
)

TYPES = Choices(
    "ticket type",
    Choice("fault", "故障", "Fault"),
    Choice("complaint", "投诉", "Complaint"),
    Choice("inquiry", "咨询", "Inquiry"),
    Choice("request", "业务办理", "Request"),
    Choice("suggestion", "建议", "Suggestion"),
)
TicketType = Literal["fault", "complaint", "inquiry", "request", "suggestion"]
TYPES.check_literal(TicketType)

SATISFIED = "satisfied"

SATISFACTION = Choices(
    "satisfaction",
    Choice("satisfied", "满意", "Satisfied", tags=(SATISFIED,)),
    Choice("basically_satisfied", "基本满意", "Basically satisfied", tags=(SATISFIED,)),
    Choice("unsatisfied", "不满意", "Unsatisfied"),
)
Satisfaction = Literal["satisfied", "basically_satisfied", "unsatisfied"]
SATISFACTION.check_literal(Satisfaction)
