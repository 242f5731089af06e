"""The SMS that carries a one-time code (验证码短信): sent at once, day or night, under a rule
customers cannot opt out of and that no daily cap holds back."""

from __future__ import annotations

from closeloop.care.code_masking import VERIFICATION_RULE
from closeloop.care.outbox import Notice, Recipient, notify_recipient
from closeloop.customers.events import VerificationCodeIssued
from closeloop.runtime.work import Work


def code_text(code: str, minutes: int) -> str:
    """The message: the code, how long it is good for, and not to pass it on."""
    return (
        f"【客服】您的验证码为{code}，{minutes}分钟内有效。请勿告诉他人，客服人员不会索要验证码。"
    )


def send_code(work: Work, event: VerificationCodeIssued) -> None:
    """Queue the code's SMS to the number it was asked for."""
    minutes = round((event.expires_at - event.at).total_seconds() / 60)
    notice = Notice(VERIFICATION_RULE, code_text(event.code, minutes), event.at)
    notify_recipient(work.session, Recipient(event.customer_id, event.msisdn), None, notice)
