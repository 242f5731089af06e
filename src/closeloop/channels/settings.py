"""The channels' business settings (业务参数): how many chats an agent holds at once."""

from __future__ import annotations

from closeloop.runtime.business import BusinessSetting, positive_int

CHAT_CAPACITY = BusinessSetting(
    "channels.chat_capacity", "每位坐席同时接待的在线会话数", "Live chats an agent holds at once",
    lambda s: 3, positive_int,
)  # fmt: skip

SETTINGS = (CHAT_CAPACITY,)
