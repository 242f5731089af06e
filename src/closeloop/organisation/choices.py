"""The severity scale (紧急程度): a station's time limits are set per severity, so the scale
lives here, under the tickets that carry one. `tmf` is the TMF621 severity."""

from __future__ import annotations

from typing import Literal

from closeloop.kit.choices import Choice, Choices

SEVERITIES = Choices(
    "severity",
    Choice("urgent", "紧急", "Urgent", tmf="Critical"),
    Choice("high", "高", "High", tmf="High"),
    Choice("normal", "一般", "Normal", tmf="Medium"),
    Choice("low", "低", "Low", tmf="Low"),
)
Severity = Literal["urgent", "high", "normal", "low"]
SEVERITIES.check_literal(Severity)

# The role this module brings (the others are auth's): a station's head (工位负责人) changes
# their own station's members and calendar (see stewards.py).
ROLES = Choices(
    "role",
    Choice("station_head", "工位负责人", "Station head", name="工位负责人（本工位成员与日历）"),
)
