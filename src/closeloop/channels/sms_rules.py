"""Keyword commands of inbound SMS (短信指令), as data: what a customer's text asks for.

`CXLL` (查询流量) asks for this month's usage; `TD` (退订) opts out of the usage reminders, or
of one kind of them with a second word (`TD LL` data, `TD MY` roaming). Anything else is a
message for an agent."""

from __future__ import annotations

from dataclasses import dataclass

# keyword → command; the operator's usual codes and their Chinese words
KEYWORDS: dict[str, str] = {
    "CXLL": "usage",
    "查询流量": "usage",
    "TD": "opt_out",
    "退订": "opt_out",
}
# the second word of an opt-out → the care rules it stops
OPT_OUT_TOPICS: dict[str, tuple[str, ...]] = {
    "": ("data_threshold", "roaming_arrival", "roaming_data"),
    "LL": ("data_threshold",),
    "MY": ("roaming_arrival", "roaming_data"),
}


@dataclass(frozen=True)
class Command:
    """What a text asks for: `usage`, `opt_out` (with its rules) or `message` (for a person)."""

    kind: str
    rules: tuple[str, ...] = ()


def read_command(text: str) -> Command:
    """The command a customer's text is (a keyword, any case, surrounding spaces ignored)."""
    words = text.strip().upper().split()
    if not words or words[0] not in KEYWORDS or len(words) > 2:
        return Command("message")
    kind = KEYWORDS[words[0]]
    if kind == "opt_out":
        topic = words[1] if len(words) == 2 else ""
        rules = OPT_OUT_TOPICS.get(topic)
        return Command("opt_out", rules) if rules else Command("message")
    return Command(kind) if len(words) == 1 else Command("message")


def usage_text(month: str, data_mb: float, plan_mb: int, voice: float, plan_voice: int) -> str:
    """The answer to CXLL."""
    left = max(0.0, plan_mb - data_mb)
    return (
        f"【客服】您{month}已用流量{data_mb:.0f}MB（套餐{plan_mb}MB，剩余{left:.0f}MB），"
        f"通话{voice:.0f}分钟（套餐{plan_voice}分钟）。"
    )


def opted_out_text() -> str:
    """The answer to TD."""
    return "【客服】已为您退订用量提醒。如需恢复，请拨打客服热线10000。"


def received_text() -> str:
    """The answer to any other message: a person will reply."""
    return "【客服】您的短信已收到，客服人员将尽快回复您。"
