"""Care's closed sets, declared once: outage kinds, notification statuses and channels.

An outage kind's Chinese name goes into the customer's notice. A notification status's `tmf`
is its TMF681 CommunicationMessage state; `unsent` marks the statuses a message may still be
withdrawn from.
"""

from __future__ import annotations

from typing import Literal

from closeloop.kit.choices import Choice, Choices

OUTAGE_KINDS = Choices(
    "outage kind",
    Choice("outage", "故障", "Outage"),
    Choice("cutover", "割接", "Cut-over"),
)
OutageKind = Literal["outage", "cutover"]
OUTAGE_KINDS.check_literal(OutageKind)

UNSENT = "unsent"

# pending: due at send_after (quiet hours push it to 08:00); held: kept back, never sent;
# failed: an attempt failed, retried at send_after; dead: gave up after N attempts.
NOTIFICATION_STATUSES = Choices(
    "notification status",
    Choice("pending", "待发送", "Queued", tags=(UNSENT,), tmf="initial"),
    Choice("held", "已暂缓", "Held", tone="warn", tags=(UNSENT,), tmf="initial"),
    Choice("sending", "发送中", "Sending", tmf="inProgress"),
    Choice("sent", "已发送", "Sent", tmf="completed"),
    Choice("delivered", "已送达", "Delivered", tone="ok", tmf="completed"),
    Choice("undelivered", "未送达", "Undelivered", tone="danger", tmf="completed"),
    Choice("failed", "发送失败", "Failed", tone="warn", tags=(UNSENT,), tmf="inProgress"),
    Choice("dead", "已放弃", "Given up", tone="danger", tmf="completed"),
)

NOTIFICATION_CHANNELS = Choices(
    "notification channel",
    Choice("sms", "短信", "SMS"),
    Choice("email", "邮件", "Email"),
    Choice("webhook", "Webhook 回调", "Webhook"),
)
