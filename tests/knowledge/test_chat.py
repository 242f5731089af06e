"""The self-service bot (POST /api/v1/assist/chat, CONTRACT §4)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.tickets.models import Ticket
from tests.support import Personas

CHAT = "/api/v1/assist/chat"
CHAT_FIELDS = {"session_id", "reply", "article_external_id", "confidence", "handoff", "ticket_id"}


def a_customer(database: Database) -> Customer:
    with database.unit_of_work(write=False) as session:
        customer = session.scalar(select(Customer).order_by(Customer.id).limit(1))
        assert customer is not None
        return customer


def say(client: TestClient, message: str, **extra: Any) -> dict[str, Any]:
    response = client.post(CHAT, json={"message": message, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert set(body) >= CHAT_FIELDS
    return body


def test_a_clear_question_is_answered_with_its_article(client: TestClient) -> None:
    reply = say(client, "彩铃不想要了，怎么取消彩铃功能？")
    assert reply["article_external_id"] == "demo-ringback-cancel"
    assert reply["handoff"] is False and reply["ticket_id"] is None
    assert reply["confidence"] >= 0.7 and "退订" in reply["reply"]


def test_an_answer_with_a_script_walks_its_steps(client: TestClient) -> None:
    first = say(client, "家里宽带突然上不了网了，怎么排查")
    assert first["article_external_id"] == "demo-bb-no-access"
    assert first["options"] == ["亮红灯", "正常"]

    second = say(client, "2", session_id=first["session_id"])

    assert second["kind"] == "script_step" and "重启" in second["reply"]


def test_asking_for_a_person_opens_a_ticket_with_the_conversation(
    client: TestClient, database: Database, as_user: Personas
) -> None:
    customer = a_customer(database)
    first = say(client, "手机卡丢了怎么办", msisdn=customer.msisdn)
    handed = say(client, "转人工", session_id=first["session_id"])

    assert handed["handoff"] is True and handed["ticket_id"]
    ticket = client.get(
        f"/api/v1/tickets/{handed['ticket_id']}", headers=as_user.headers("supervisor")
    ).json()
    assert ticket["channel"] == "online" and ticket["customer_id"] == str(customer.id)
    assert "手机卡丢了怎么办" in ticket["description"] and customer.msisdn in ticket["description"]
    assert ticket["type"] == "inquiry"
    again = say(client, "还在吗", session_id=first["session_id"])
    assert again["ticket_id"] == handed["ticket_id"]


def test_a_complaint_about_staff_becomes_a_complaint_ticket(
    client: TestClient, database: Database
) -> None:
    customer = a_customer(database)
    reply = say(client, "我要投诉你们营业厅的工作人员，态度太恶劣了", msisdn=customer.msisdn)
    assert reply["handoff"] is True
    with database.unit_of_work(write=False) as session:
        ticket = session.get(Ticket, int(reply["ticket_id"]))
        assert ticket is not None and ticket.type == "complaint"


def test_out_of_scope_questions_are_handed_over(client: TestClient) -> None:
    reply = say(client, "附近哪家火锅店好吃，推荐一下")
    assert reply["handoff"] is True and reply["article_external_id"] is None


def test_unknown_number_is_said_and_a_later_number_completes_the_hand_over(
    client: TestClient, database: Database
) -> None:
    first = say(client, "转人工", msisdn="13000000000")
    assert first["handoff"] is True and first["ticket_id"] is None
    assert "130****0000" in first["reply"]

    customer = a_customer(database)
    second = say(client, f"我的号码是{customer.msisdn}", session_id=first["session_id"])

    assert second["handoff"] is True and second["ticket_id"]


def test_a_follow_up_is_understood_in_the_session(client: TestClient) -> None:
    first = say(client, "彩铃怎么开通")
    follow = say(client, "收费吗", session_id=first["session_id"])
    assert follow["article_external_id"] in {"demo-ringback-fee", "demo-ringback-open"}


def test_messages_per_address_are_limited(
    settings: Settings, database: Database, clock: FixedClock
) -> None:
    from closeloop.app import create_app

    limited = Settings(**{**settings.model_dump(), "chat_rate_per_min": 3})
    app = create_app(limited, database=database, clock=clock, start_worker=False)
    with TestClient(app) as client:
        codes = [client.post(CHAT, json={"message": "话费怎么查"}).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_bot_users_can_rate_the_answer(client: TestClient, as_user: Personas) -> None:
    reply = say(client, "彩铃不想要了，怎么取消彩铃功能？")
    assert (
        client.post(
            "/api/v1/assist/feedback", json={"session_id": reply["session_id"], "helpful": True}
        ).status_code
        == 204
    )
    article = client.get(
        "/api/v1/kb/articles/demo-ringback-cancel", headers=as_user.headers("agent")
    ).json()
    assert article["usage"]["helpful_bot"] == 1 and article["usage"]["shown"] >= 1
