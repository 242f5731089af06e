"""Problem management's closed sets (问题单): statuses, sources, alarm severities (ITU-T X.733)."""

from __future__ import annotations

from typing import Literal

from closeloop.kit.choices import Choice, Choices

# `live`: the problem still holds its tickets (new ones of its category in its area join it).
LIVE = "live"

STATUSES = Choices(
    "problem status",
    Choice("open", "待处理", "Open", tone="danger", tags=(LIVE,)),
    Choice("investigating", "排查中", "Investigating", tone="warn", tags=(LIVE,)),
    Choice("known_error", "已知错误", "Known error", tone="warn", tags=(LIVE,)),
    Choice("resolved", "已解决", "Resolved", tone="ok"),
    Choice("closed", "已关闭", "Problem closed", tone="ok"),
)
ProblemStatus = Literal["open", "investigating", "known_error", "resolved", "closed"]
STATUSES.check_literal(ProblemStatus)
LIVE_STATUSES = STATUSES.tagged(LIVE)

SOURCES = Choices(
    "problem source",
    Choice("burst", "投诉突增", "Complaint burst"),
    Choice("alarm", "网络告警", "Network alarm"),
    Choice("manual", "人工创建", "Manual"),
)
ProblemSource = Literal["burst", "alarm", "manual"]
SOURCES.check_literal(ProblemSource)

# A severity that opens a problem on its own (before any customer calls) is tagged `opens`.
OPENS = "opens"
ALARM_SEVERITIES = Choices(
    "alarm severity",
    Choice("critical", "严重", "Critical", tone="danger", tags=(OPENS,)),
    Choice("major", "主要", "Major", tone="danger", tags=(OPENS,)),
    Choice("minor", "次要", "Minor", tone="warn"),
    Choice("warning", "警告", "Warning"),
)
AlarmSeverity = Literal["critical", "major", "minor", "warning"]
ALARM_SEVERITIES.check_literal(AlarmSeverity)

ROLES = Choices(
    "role",
    Choice("netops", "网管/问题经理", "Network operations", name="网管/问题经理"),
)
