"""Credit's closed sets, each declared once with its Chinese and English name: line statuses and
ladder actions."""

from __future__ import annotations

from closeloop.kit.choices import Choice, Choices

LINE_STATUSES = Choices(
    "line status",
    Choice("active", "正常", "Active", tone="ok"),
    Choice("restricted", "限制呼出", "Outgoing calls barred", tone="warn"),
    Choice("suspended", "停机", "Suspended", tone="danger"),
)

ACTIONS = Choices(
    "arrears ladder action",
    Choice("remind", "催缴提醒", "Payment reminder"),
    Choice("restrict", "限制呼出", "Bar outgoing calls"),
    Choice("suspend", "停机", "Suspend the line"),
    Choice("collect", "催收", "Collection task"),
    Choice("legal", "法律追缴", "Legal recovery"),
)
