"""The bot answers "why is my line barred?" (为什么停机了 / 为什么不能打电话) for a verified number
with the actual ladder step: it sends an SMS code, answers only after the right code, and keeps
the number verified for the rest of the chat."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from closeloop.credit.bot_answers import recognises
from closeloop.db.engine import Database
from tests.credit.conftest import Ledger
from tests.support.factories import Factory
from tests.support.sms_codes import sent_code

CHAT = "/api/v1/assist/chat"


def say(client: TestClient, message: str, **extra: Any) -> dict[str, Any]:
    response = client.post(CHAT, json={"message": message, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    "message",
    ["为什么停机了", "我的手机为什么不能打电话", "为啥打不出电话？", "Why is my line barred?"],
)
def test_the_question_is_recognised(message: str) -> None:
    assert recognises(message)


@pytest.mark.parametrize("message", ["彩铃怎么开通", "停机保号怎么办理", "流量套餐多少钱"])
def test_other_questions_are_not(message: str) -> None:
    assert not recognises(message)


def test_a_barred_number_is_told_its_step_after_the_right_code(
    client: TestClient, database: Database, factory: Factory, ledger: Ledger
) -> None:
    c = factory.customer()
    ledger.bills(f"{c.msisdn},2026-10,100.00,0,2026-11-01,")
    ledger.run("2026-11-22")  # 21 days past due: grade D, outgoing calls barred (step 3)
    first = say(client, "为什么停机了", msisdn=c.msisdn)
    assert "验证码" in first["reply"] and "100.00" not in first["reply"]
    assert c.msisdn[-4:] in first["reply"] and c.msisdn not in first["reply"]
    session_id = first["session_id"]
    wrong = "000000" if sent_code(database, c.msisdn) != "000000" else "111111"
    refused = say(client, wrong, session_id=session_id)
    assert "不正确" in refused["reply"] and "100.00" not in refused["reply"]
    told = say(client, sent_code(database, c.msisdn), session_id=session_id)["reply"]
    assert "限制呼出" in told and "第3步" in told and "100.00" in told
    assert "2026-11-22" in told and "缴" in told and "恢复" in told
    again = say(client, "我为什么不能打电话", session_id=session_id)["reply"]
    assert "限制呼出" in again  # verified for the rest of the chat: no second code


def test_the_bot_asks_for_the_number_when_it_has_none_and_an_active_line_is_told_so(
    client: TestClient, database: Database, factory: Factory
) -> None:
    c = factory.customer()
    asked = say(client, "为什么不能打电话")
    assert "手机号码" in asked["reply"]
    coded = say(client, c.msisdn, session_id=asked["session_id"])
    assert "验证码" in coded["reply"]
    told = say(client, sent_code(database, c.msisdn), session_id=asked["session_id"])["reply"]
    assert "状态正常" in told


def test_a_number_that_is_not_a_customer_gets_the_same_first_reply(
    client: TestClient, factory: Factory
) -> None:
    c = factory.customer()
    stranger = "19999999999" if c.msisdn != "19999999999" else "19999999998"
    mine = say(client, "为什么停机了", msisdn=c.msisdn)["reply"]
    theirs = say(client, "为什么停机了", msisdn=stranger)["reply"]
    masked = re.compile(r"1\d\d\*{4}\d{4}")
    assert masked.search(mine) and masked.sub("#", mine) == masked.sub("#", theirs)
