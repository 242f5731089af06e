"""The channels' business settings (业务参数): how many chats an agent holds at once."""

from __future__ import annotations

from closeloop.runtime.business import BusinessSetting, positive_int

CHAT_CAPACITY = BusinessSetting(
    "channels.chat_capacity", "每位坐席同时接待的在线会话数", "Live chats an agent holds at once",
    lambda s: 3, positive_int,
)  # fmt: skip


_ATTACHMENT_TYPES = "image/*,application/pdf,text/plain"


def _types(value: object) -> str:
    text = str(value).strip()
    kinds = [k.strip() for k in text.split(",") if k.strip()]
    if not kinds or any("/" not in k for k in kinds):
        raise ValueError("give content types like image/jpeg or image/*, separated by commas")
    return ",".join(kinds)


def _code(value: object) -> str:
    text = str(value).strip()
    if not text:
        raise ValueError("give a category code")
    return text


MAIL_ATTACHMENT_KB = BusinessSetting(
    "channels.mail_attachment_kb", "邮件附件大小上限", "Largest mail attachment kept",
    lambda s: 5120, positive_int, unit="KB",
)  # fmt: skip
MAIL_ATTACHMENT_TYPES = BusinessSetting(
    "channels.mail_attachment_types", "允许的邮件附件类型", "Mail attachment types kept",
    lambda s: _ATTACHMENT_TYPES, _types,
)  # fmt: skip
MAIL_CATEGORY = BusinessSetting(
    "channels.mail_category", "邮件工单默认分类", "Category of tickets opened by mail",
    lambda s: "service/remote/remote_handling", _code,
)  # fmt: skip

SETTINGS = (CHAT_CAPACITY, MAIL_ATTACHMENT_KB, MAIL_ATTACHMENT_TYPES, MAIL_CATEGORY)
