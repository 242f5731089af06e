"""The customer's notices of the ladder (rules `arrears_reminder`, `service_restored`), through
the care outbox so quiet hours, opt-outs and the rule switches apply; and the texts."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy.orm import Session

from closeloop.care.outbox import Notice, Recipient, notify_recipient, opted_out
from closeloop.care.rules import RuleSettings, load_rules

ARREARS_REMINDER = "arrears_reminder"
SERVICE_RESTORED = "service_restored"
# 催、引: a reminder also guides the customer to pay, and offers instalments for larger arrears
INSTALMENT_FROM = Decimal("200.00")
DEFAULTS = {
    ARREARS_REMINDER: RuleSettings(ARREARS_REMINDER, priority=4),
    SERVICE_RESTORED: RuleSettings(SERVICE_RESTORED, opt_out=False, priority=2),
}
PAY_CHANNELS = "可通过营业厅、10000号、网上营业厅、手机APP或微信/支付宝缴费"


def reminder_text(arrears: Decimal, period: str, due: str) -> str:
    """The reminder: how much, since when, how to pay, and instalments for larger arrears."""
    text = (
        f"【CloseLoop】尊敬的客户，您{period}账单已于{due}到期，目前欠费{arrears:.2f}元，"
        f"请尽快缴纳以免影响使用。{PAY_CHANNELS}。"
    )
    if arrears >= INSTALMENT_FROM:
        text += "如一次缴清有困难，可致电10000申请分期缴费。"
    return text


RESTORED_TEXT = "【CloseLoop】尊敬的客户，您的欠费已结清，号码已恢复正常使用，感谢您的支持。"


def send(
    session: Session,
    customer_id: int,
    msisdn: str,
    rule: str,
    text: str,
    at: datetime,
    period: str | None,
    key: str,
) -> int | None:
    """Queue the notice (once per `key`); its outbox id, or None when not sent."""
    settings = load_rules(session).get(rule, DEFAULTS[rule])
    declined = settings.opt_out and opted_out(session, customer_id, rule)
    notification = notify_recipient(
        session,
        Recipient(customer_id, msisdn, declined),
        settings,
        Notice(rule, text, at, period=period, dedup_key=key),
    )
    if notification is None:
        return None
    session.flush()
    return notification.id
