"""Account questions (账户类问题): questions about the customer's own line — "why is my line
barred?" — that the bot answers from a higher domain's data, for a number verified in this chat.

Knowledge sits below the domains that know the answers (credit, billing …), so they register
here, when their manifest is imported, a recogniser and an answerer taking the verified number.
The bot asks for the number if it has none, sends a one-time SMS code
(closeloop.customers.verification) and answers only after the right code; a number stays
verified for the rest of the chat session.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from closeloop.customers.verification import confirm_code, request_code
from closeloop.kit.errors import TooManyRequests
from closeloop.kit.masking import mask_msisdn

PURPOSE = "bot_account"
CODE_IN_TEXT = re.compile(r"(?<!\d)\d{6}(?!\d)")
NUMBER_IN_TEXT = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@dataclass(frozen=True)
class AccountQuestion:
    """A question about the customer's own account: whether a message asks it, and the answer
    for a verified number at an instant."""

    name: str
    recognises: Callable[[str], bool]
    answer: Callable[[Session, str, datetime], str]


_QUESTIONS: dict[str, AccountQuestion] = {}


def register(question: AccountQuestion) -> None:
    """Make the bot answer `question` (a later registration of the same name replaces it)."""
    _QUESTIONS[question.name] = question


def registered() -> tuple[AccountQuestion, ...]:
    """The questions registered so far."""
    return tuple(_QUESTIONS.values())


def _asked(message: str) -> AccountQuestion | None:
    return next((q for q in _QUESTIONS.values() if q.recognises(message)), None)


ASK_NUMBER = "请告诉我您要查询的手机号码（11位），我会向该号码发送短信验证码。"
CODE_SENT = "为保护您的信息，我们已向{number}发送6位短信验证码（10分钟内有效），请输入验证码。"
WRONG_CODE = "验证码不正确或已失效，请输入短信中的6位验证码，或稍后重新询问以获取新的验证码。"
TOO_SOON = "验证码已发送，请稍候查收短信后输入；如未收到，请一分钟后再试。"


def _send(session: Session, state: dict[str, Any], msisdn: str, now: datetime) -> str:
    try:
        request_code(session, msisdn, PURPOSE, now=now)
    except TooManyRequests:
        return TOO_SOON
    # the same reply whether the number is a customer's or not: the chat tells no one who is
    state["awaiting_code"] = msisdn
    return CODE_SENT.format(number=mask_msisdn(msisdn))


def _after_code(session: Session, state: dict[str, Any], message: str, now: datetime) -> str | None:
    msisdn, question = state["awaiting_code"], _QUESTIONS.get(state.get("question", ""))
    code = CODE_IN_TEXT.search(message)
    if code is None or question is None:  # the customer moved on: the bot answers as usual
        state.clear()
        return None
    if not confirm_code(session, msisdn, PURPOSE, code.group(0), now=now):
        return WRONG_CODE
    state.clear()
    state["verified"] = msisdn
    return question.answer(session, msisdn, now)


def respond(
    session: Session, state: dict[str, Any], msisdn: str | None, message: str, now: datetime
) -> tuple[str, str | None] | None:
    """The reply to an account question (and the number the chat is now about), or None when
    the message is none of this — `state` is the chat's account state, changed in place."""
    if state.get("awaiting_code"):
        reply = _after_code(session, state, message, now)
        return None if reply is None else (reply, state.get("verified", msisdn))
    if state.get("awaiting_number"):
        question = _QUESTIONS.get(state.pop("awaiting_number"))
        found = NUMBER_IN_TEXT.search(message)
        if question is None or found is None:
            return None
        state["question"] = question.name
        return _send(session, state, found.group(0), now), found.group(0)
    question = _asked(message)
    if question is None:
        return None
    found = NUMBER_IN_TEXT.search(message)
    number = found.group(0) if found else msisdn
    if number is None:
        state["awaiting_number"] = question.name
        return ASK_NUMBER, None
    if state.get("verified") == number:
        return question.answer(session, number, now), number
    state["question"] = question.name
    return _send(session, state, number, now), number
