"""The contact channels (接触渠道): how a customer reached us, for contacts and tickets alike."""

from __future__ import annotations

from typing import Literal

from closeloop.kit.choices import Choice, Choices

CHANNELS = Choices(
    "channel",
    Choice("hotline", "热线", "Hotline"),
    Choice("online", "在线客服", "Online"),
    Choice("app", "APP", "App"),
    Choice("sms", "短信", "SMS"),
    Choice("social", "社交媒体", "Social media"),
    Choice("store", "营业厅", "Store"),
    Choice("email", "邮件", "E-mail"),
)
Channel = Literal["hotline", "online", "app", "sms", "social", "store", "email"]
CHANNELS.check_literal(Channel)
