"""Proactive care's business settings (业务参数): quiet hours, the daily cap, delivery limits.

Their defaults come from the environment (README "Configuration"); an admin changes them in
the console or through `PUT /api/v1/settings/{key}`."""

from __future__ import annotations

from typing import Any

from closeloop.care.dispatcher import Dispatcher
from closeloop.care.ingest import Policy
from closeloop.care.quiet import QuietHours
from closeloop.runtime.business import BusinessSetting, positive_int, positive_number
from closeloop.runtime.work import Work


def _quiet_window(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a text like 22:00-08:00 (empty: no quiet hours)")
    try:
        QuietHours.parse(value)  # a missing dash or time fails to parse too
    except ValueError:
        raise ValueError("must look like 22:00-08:00 (empty: no quiet hours)") from None
    return value.strip()


QUIET_HOURS = BusinessSetting(
    "care.quiet_hours", "客户免打扰时段", "Customers' quiet hours",
    lambda s: s.quiet_hours, _quiet_window, unit="HH:MM-HH:MM",
)  # fmt: skip
DAILY_CAP = BusinessSetting(
    "care.daily_cap", "每位客户每日用量提醒上限", "Usage notices per customer per day",
    lambda s: s.care_daily_cap, positive_int,
)  # fmt: skip
MAX_ATTEMPTS = BusinessSetting(
    "care.delivery_max_attempts", "通知最多发送次数", "Delivery attempts before dead-lettering",
    lambda s: s.delivery_max_attempts, positive_int,
)  # fmt: skip
BACKOFF = BusinessSetting(
    "care.delivery_backoff_seconds", "首次重发间隔", "First retry delay",
    lambda s: s.delivery_backoff_seconds, positive_int, unit="s",
)  # fmt: skip
SMS_RATE = BusinessSetting(
    "care.sms_rate_per_sec", "短信每秒发送上限", "SMS per second at most",
    lambda s: s.smpp_rate_per_sec, positive_number, unit="/s",
)  # fmt: skip
EMAIL_RATE = BusinessSetting(
    "care.email_rate_per_sec", "邮件每秒发送上限", "E-mails per second at most",
    lambda s: s.smtp_rate_per_sec, positive_number, unit="/s",
)  # fmt: skip
WEBHOOK_RATE = BusinessSetting(
    "care.webhook_rate_per_sec", "推送每秒发送上限", "Webhook calls per second at most",
    lambda s: s.webhook_rate_per_sec, positive_number, unit="/s",
)  # fmt: skip

SETTINGS = (QUIET_HOURS, DAILY_CAP, MAX_ATTEMPTS, BACKOFF, SMS_RATE, EMAIL_RATE, WEBHOOK_RATE)


def policy_in_force(work: Work) -> Policy:
    """The time zone, quiet hours and daily cap that usage notices follow now."""
    quiet = QuietHours.parse(work.business(QUIET_HOURS.key))
    return Policy(work.tz, quiet, work.business(DAILY_CAP.key))


def quiet_hours_in_force(work: Work) -> QuietHours:
    """The customers' quiet hours now."""
    return QuietHours.parse(work.business(QUIET_HOURS.key))


def apply_delivery_limits(work: Work, dispatcher: Dispatcher) -> None:
    """Give a running dispatcher the attempts, backoff and per-channel rates in force."""
    dispatcher.max_attempts = work.business(MAX_ATTEMPTS.key)
    dispatcher.backoff_seconds = work.business(BACKOFF.key)
    rates = {
        "sms": work.business(SMS_RATE.key),
        "email": work.business(EMAIL_RATE.key),
        "webhook": work.business(WEBHOOK_RATE.key),
    }
    if rates != dispatcher.rates:
        dispatcher.rates = rates
        dispatcher.limiters.clear()  # rebuilt at the new rates on the next send
