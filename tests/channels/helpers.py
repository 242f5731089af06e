"""Shared steps of the channels tests: a customer handed over to the live-chat queue."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.customers.models import Customer
from closeloop.db.engine import Database

CHAT = "/api/v1/assist/chat"
CHATS = "/api/v1/chats"


def a_customer(database: Database, offset: int = 0) -> Customer:
    """A demo customer."""
    with database.unit_of_work(write=False) as session:
        customer = session.scalar(select(Customer).order_by(Customer.id).offset(offset).limit(1))
        assert customer is not None
        return customer


def say(client: TestClient, message: str, **extra: Any) -> dict[str, Any]:
    """The customer writes to the chat; the reply."""
    response = client.post(CHAT, json={"message": message, **extra})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def handed_over(client: TestClient, database: Database, offset: int = 0) -> str:
    """A conversation the bot handed over to people; its session id."""
    customer = a_customer(database, offset)
    first = say(client, "手机卡丢了怎么办", msisdn=customer.msisdn)
    handed = say(client, "转人工", session_id=first["session_id"])
    assert handed["handoff"] is True
    session_id: str = handed["session_id"]
    return session_id


def messages(client: TestClient, session_id: str, after: str = "") -> list[dict[str, Any]]:
    """The conversation as the customer reads it."""
    response = client.get(f"{CHAT}/{session_id}/messages", params={"after": after})
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items
