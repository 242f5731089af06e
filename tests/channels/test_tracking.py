"""Ticket tracking (CONTRACT §14): every progress notice links to `/t/{token}`, a public page
with the number, the stage in words and the promised time, and only the masked number."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.care.models import Notification
from closeloop.db.engine import Database
from closeloop.tickets.tracking import ticket_of, tracking_token
from tests.support import Factory, MadeTicket, Personas
from tests.support.demo import STATION

LINK = re.compile(r"https?://\S+/t/([0-9a-z]+-[0-9a-f]+)$")


def progress_links(database: Database, ticket: MadeTicket) -> list[str]:
    with database.unit_of_work(write=False) as session:
        texts = session.scalars(
            select(Notification.text).where(
                Notification.ticket_id == int(ticket.id), Notification.rule == "ticket_progress"
            )
        ).all()
    assert texts, "no progress notice"
    found = [LINK.search(t) for t in texts]
    assert all(found), texts
    return [m.group(1) for m in found if m]


def test_every_progress_notice_links_to_the_tracking_page(
    factory: Factory, database: Database
) -> None:
    ticket = factory.ticket("in_progress")

    tokens = progress_links(database, ticket)

    assert len(tokens) == 2  # dispatch and accept
    assert {ticket_of(t, "closeloop-dev-secret-change-me") for t in tokens} == {int(ticket.id)}


def test_the_page_shows_number_stage_and_promise_and_only_the_masked_number(
    client: TestClient, factory: Factory, database: Database
) -> None:
    customer = factory.customer(name="王晓明")
    ticket = factory.ticket("in_progress", customer=customer)
    token = progress_links(database, ticket)[-1]

    page = client.get(f"/t/{token}")

    assert page.status_code == 200
    html = page.text
    assert ticket.number in html and "专业部门正在处理" in html
    assert "tracking-promise" in html
    assert (
        customer.msisdn not in html and f"{customer.msisdn[:3]}****{customer.msisdn[-4:]}" in html
    )
    assert "王晓明" not in html
    english = client.get(f"/t/{token}?lang=en").text
    assert "The team is working on it" in english


def test_a_link_we_did_not_sign_finds_nothing(client: TestClient, factory: Factory) -> None:
    ticket = factory.ticket("dispatched")
    forged = tracking_token(int(ticket.id), "someone-elses-key")
    assert client.get(f"/t/{forged}").status_code == 404
    assert client.get("/t/not-a-token").status_code == 404


def test_added_information_lands_on_the_ticket_and_tells_the_station(
    client: TestClient, factory: Factory, database: Database, as_user: Personas
) -> None:
    ticket = factory.ticket("in_progress")
    token = progress_links(database, ticket)[-1]

    sent = client.post(
        f"/t/{token}/information", data={"text": "下午两点后家里有人"}, follow_redirects=False
    )

    assert sent.status_code == 303 and sent.headers["location"] == f"/t/{token}?added=1"
    history = client.get(f"/api/v1/tickets/{ticket.id}", headers=as_user.headers(STATION)).json()
    assert history["history"][-1]["note"] == "客户补充：下午两点后家里有人"
    with database.unit_of_work(write=False) as session:
        told = session.scalars(
            select(Notification).where(Notification.rule == "customer_information")
        ).all()
    assert [(n.recipient, n.ticket_id) for n in told] == [(f"station:{STATION}", int(ticket.id))]


def test_a_finished_ticket_takes_no_more_information(
    client: TestClient, factory: Factory, database: Database
) -> None:
    ticket = factory.ticket("closed")
    token = progress_links(database, ticket)[-1]
    page = client.get(f"/t/{token}")
    assert "已办结" in page.text and "tracking-add" not in page.text
    assert client.post(f"/t/{token}/information", data={"text": "还有问题"}).status_code == 409
