"""Agent assist: suggestions for a ticket and while typing, "use this answer", feedback."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.auth.models import AuditEntry
from closeloop.db.engine import Database
from tests.knowledge.helpers import KB
from tests.support import Personas
from tests.tickets.helpers import ticket_body

SUGGEST = f"{KB}/suggest"


def open_ticket(client: TestClient, as_user: Personas, **overrides: str) -> str:
    customers = client.get("/api/v1/customers?limit=1", headers=as_user.headers("admin")).json()
    body = ticket_body(str(customers["items"][0]["id"]), **overrides)
    response = client.post("/api/v1/tickets", json=body, headers=as_user.headers("agent"))
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_suggestions_for_a_ticket_come_from_its_title_description_and_category(
    client: TestClient, as_user: Personas
) -> None:
    ticket_id = open_ticket(
        client,
        as_user,
        title="客户家中卧室信号只有一格",
        description="客户反映在家里打电话经常听不清，阳台信号好一些",
        category="signal/indoor/weak",
    )

    response = client.get(
        SUGGEST, params={"ticket_id": ticket_id}, headers=as_user.headers("agent")
    )

    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items[0]["external_id"] == "demo-indoor-weak"
    assert items[0]["answer_html"] and items[0]["script_outline"]


def test_suggestions_while_typing_at_intake(client: TestClient, as_user: Personas) -> None:
    response = client.get(
        SUGGEST,
        params={"q": "客户说验证码一直收不到", "category": "sms/code"},
        headers=as_user.headers("agent"),
    )
    assert response.json()["items"][0]["external_id"] == "demo-sms-code"


def test_a_ticket_the_user_may_not_see_gives_no_suggestions(
    client: TestClient, as_user: Personas
) -> None:
    ticket_id = open_ticket(client, as_user)
    response = client.get(
        SUGGEST, params={"ticket_id": ticket_id}, headers=as_user.headers("wireless")
    )
    assert response.status_code == 404


def test_using_an_answer_is_recorded_and_counted(
    client: TestClient, as_user: Personas, database: Database
) -> None:
    ticket_id = open_ticket(client, as_user)
    response = client.post(
        f"{KB}/articles/demo-indoor-weak/use",
        json={"ticket_id": ticket_id},
        headers=as_user.headers("agent"),
    )
    assert response.status_code == 204
    client.post(
        f"{KB}/articles/demo-indoor-weak/feedback",
        json={"helpful": False},
        headers=as_user.headers("agent"),
    )
    article = client.get(f"{KB}/articles/demo-indoor-weak", headers=as_user.headers("agent")).json()
    assert article["usage"]["used"] == 1 and article["usage"]["not_helpful_agent"] == 1
    with database.unit_of_work(write=False) as session:
        assert session.scalar(select(AuditEntry.id).where(AuditEntry.action == "kb.use"))


def test_editors_may_not_record_use(client: TestClient, as_user: Personas) -> None:
    ticket_id = open_ticket(client, as_user)
    response = client.post(
        f"{KB}/articles/demo-indoor-weak/use",
        json={"ticket_id": ticket_id},
        headers=as_user.headers("editor"),
    )
    assert response.status_code == 403
