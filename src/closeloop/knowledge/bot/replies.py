"""What the bot says (话术): every customer-facing sentence in one place."""

from __future__ import annotations

from closeloop.knowledge.bot.conversation import Turn
from closeloop.knowledge.render import plain_text

HOTLINE = "10000"


def answer(question: str, answer_markdown: str) -> str:
    """An answer from an article."""
    return f"关于“{question}”：\n{plain_text(answer_markdown)}"


def script_question(text: str, options: list[str]) -> str:
    """One step of an article's script, with numbered options."""
    numbered = "；".join(f"{i}. {label}" for i, label in enumerate(options, start=1))
    return f"{text}（请回复：{numbered}）"


def resolution(text: str) -> str:
    """The end of a script."""
    return text or "以上就是处理办法。如仍未解决，回复“转人工”为您安排人工服务。"


def clarify(labels: list[str]) -> str:
    """Ask which of a few close articles the customer means (您是想问…)."""
    numbered = "\n".join(f"{i}. {label}" for i, label in enumerate(labels, start=1))
    return f"您是想问以下哪个问题？\n{numbered}\n点选或回复序号即可；都不是请回复“转人工”。"


def need_number(msisdn: str | None) -> str:
    """Hand-over without a known customer: ask for the number (or say it is unknown)."""
    if msisdn:
        return (
            f"正在为您转接人工服务。系统中未查询到号码 {msisdn[:3]}****{msisdn[-4:]} 的客户资料，"
            "暂时无法为您登记工单。请回复您在网使用的手机号码，"
            f"或拨打客服热线 {HOTLINE} 由人工为您处理。"
        )
    return (
        "正在为您转接人工服务。为了让工作人员联系您，请回复您的手机号码（11位）；"
        f"也可以直接拨打客服热线 {HOTLINE}。"
    )


def handed_over(ticket_number: str) -> str:
    """Hand-over done: a ticket carries the conversation."""
    return (
        f"已为您转接人工服务并登记工单（编号 {ticket_number}），您刚才的对话内容已一并转交，"
        "工作人员会尽快与您联系，无需重复描述问题。"
    )


def already_handed_over() -> str:
    """Messages after the hand-over."""
    return "您的问题已转交人工处理，工作人员会尽快联系您。如有补充，可在工作人员联系您时一并说明。"


def with_agent() -> str:
    """A message after the hand-over: it goes to the agents, not the bot."""
    return "您的消息已转给人工客服，请稍候，工作人员的回复会显示在这里。"


def handoff_failed(reason: str) -> str:
    """The ticket could not be opened."""
    return f"抱歉，暂时无法为您登记工单（{reason}）。请拨打客服热线 {HOTLINE} 由人工为您处理。"


def ticket_description(msisdn: str, reason: str, turns: list[Turn]) -> str:
    """The conversation, as the ticket's description."""
    reasons = {
        "customer asked for a person": "客户要求转人工",
        "complaint about staff": "客户投诉工作人员",
        "customer is upset": "客户情绪激动",
        "not confident": "机器人无法确定答案",
    }
    lines = [
        f"来源：在线自助机器人；客户号码：{msisdn}；转人工原因：{reasons.get(reason, reason)}",
        "",
    ]
    for turn in turns:
        who = "客户" if turn.role == "customer" else "机器人"
        lines.append(f"{who}：{turn.text}")
    return "\n".join(lines)[:5000]
