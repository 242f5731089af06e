"""The bot's answer to "why is my line barred? / 为什么停机了 / 为什么不能打电话" for a verified
number (closeloop.knowledge.bot.account): the actual ladder step, since when, the amount due,
how to pay and how the line comes back."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.credit.effects import ACTION_NAMES
from closeloop.credit.models import CreditEvent
from closeloop.credit.notices import PAY_CHANNELS
from closeloop.credit.service import credit_of
from closeloop.credit.work_orders import STATUS_NAMES
from closeloop.customers.models import Customer
from closeloop.knowledge.bot.account import AccountQuestion
from closeloop.runtime.work import Work

WHY_BARRED_TEXT = re.compile(
    r"(为什么|为啥|怎么|咋).{0,8}(停机|停了机|被停|限制|不能打|打不了|打不出|无法打|不能呼出|欠费停)"
    r"|(停机|被停机|不能打电话|打不了电话|打不出电话).{0,6}(了|吗|原因|怎么回事|为什么)"
    r"|why.{0,30}(barred|suspended|restricted|can.?t (make )?call)",
    re.IGNORECASE,
)


def recognises(message: str) -> bool:
    """Whether the message asks why the line is barred or suspended."""
    return WHY_BARRED_TEXT.search(message) is not None


def _since(session: Session, customer_id: int) -> datetime | None:
    """When the line last changed status (the barring now in force)."""
    return session.scalar(
        select(CreditEvent.at)
        .where(CreditEvent.customer_id == customer_id, CreditEvent.kind == "line")
        .order_by(CreditEvent.at.desc(), CreditEvent.id.desc())
        .limit(1)
    )


def answer(session: Session, msisdn: str, now: datetime) -> str:
    """The line's status and why, for this (verified) number."""
    customer = session.scalar(select(Customer).where(Customer.msisdn == msisdn))
    if customer is None:
        return "未查到该号码的账户信息，如需帮助请回复“人工”转人工客服。"
    credit = credit_of(session, customer)
    if credit.line_status == "active":
        owed = (
            f"目前有逾期欠费{credit.arrears:.2f}元，请尽快缴纳以免影响使用。{PAY_CHANNELS}。"
            if credit.arrears
            else ""
        )
        return (
            f"您的号码目前状态正常，没有因欠费被限制或停机。{owed}"
            "如仍无法通话，可能是网络或终端原因，可回复“人工”由客服为您排查。"
        )
    since = _since(session, customer.id)
    local = since.astimezone(Work.of(session).tz).strftime("%Y-%m-%d") if since else "近期"
    step = f"（欠费处置第{credit.step}步：{ACTION_NAMES.get(credit.action or '', '')}）"
    days = f"，最早一笔账单已逾期{credit.oldest_unpaid_days}天" if credit.oldest_unpaid_days else ""
    return (
        f"您的号码自{local}起因欠费处于“{STATUS_NAMES[credit.line_status]}”状态{step}。"
        f"目前逾期欠费{credit.arrears:.2f}元{days}。{PAY_CHANNELS}。"
        "缴清全部欠费后，系统会在下一次处理时自动为您恢复（通常24小时内），并短信通知您。"
        "如对账单有异议，可回复“人工”申请核实，核实期间暂停对该账单的催缴。"
    )


WHY_BARRED = AccountQuestion("credit.why_barred", recognises, answer)
