"""Automatic CSAT invitations: after a callback closes a ticket and after the bot answered a
known customer; at most one a week per customer; switched off by a business setting."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient

from closeloop.kit.clock import FixedClock
from tests.quality.conftest import invitations, token_of
from tests.support import Factory, Personas

SETTINGS = "/api/v1/settings"


def test_a_callback_that_closes_a_ticket_invites_its_customer_once_a_week(
    client: TestClient, as_user: Personas, factory: Factory, clock: FixedClock
) -> None:
    customer = factory.customer()
    first = factory.ticket("closed", customer=customer)
    (notice,) = invitations(client, as_user, msisdn=customer.msisdn)
    assert notice["text"].startswith("【服务调查】") and token_of(notice)
    factory.ticket("closed", customer=customer)  # the same week: no second survey
    assert len(invitations(client, as_user, msisdn=customer.msisdn)) == 1
    clock.advance(timedelta(days=7))
    factory.ticket("closed", customer=customer)
    as_user = Personas(client)  # signed in again: a week-old token has expired
    assert len(invitations(client, as_user, msisdn=customer.msisdn)) == 2
    # the answer is grouped by the ticket's channel and station
    answered = client.post(
        "/api/v1/survey-responses", json={"token": token_of(notice), "answers": {"csat": 1}}
    )
    assert answered.status_code == 201, answered.text
    followup = client.get(
        f"/api/v1/tickets/{answered.json()['followup_ticket_id']}",
        headers=as_user.headers("supervisor"),
    ).json()
    assert first.number in followup["description"]


def test_a_ticket_resolved_at_the_front_line_is_not_surveyed_by_callback(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    customer = factory.customer()
    made = factory.ticket("new", customer=customer)
    factory.act(made, "resolve")
    assert invitations(client, as_user, msisdn=customer.msisdn) == []


def test_the_business_setting_switches_automatic_surveys_off(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    switched = client.put(
        f"{SETTINGS}/quality.auto_csat", json={"value": False}, headers=as_user.headers("admin")
    )
    assert switched.status_code == 200, switched.text
    customer = factory.customer()
    factory.ticket("closed", customer=customer)
    assert invitations(client, as_user, msisdn=customer.msisdn) == []
    refused = client.put(
        f"{SETTINGS}/quality.auto_csat_days", json={"value": 0}, headers=as_user.headers("admin")
    )
    assert refused.status_code == 422


def test_a_bot_answer_to_a_known_customer_invites_them(
    client: TestClient, as_user: Personas, factory: Factory
) -> None:
    customer = factory.customer()
    said = client.post(
        "/api/v1/assist/chat",
        json={"message": "彩铃不想要了，怎么取消彩铃功能？", "msisdn": customer.msisdn},
    )
    assert said.status_code == 200 and said.json()["kind"] == "answer", said.text
    (notice,) = invitations(client, as_user, msisdn=customer.msisdn)
    assert "在线自助满意度调查" in notice["text"]
    client.post("/api/v1/assist/chat", json={"message": "彩铃怎么取消", "msisdn": customer.msisdn})
    assert len(invitations(client, as_user, msisdn=customer.msisdn)) == 1
