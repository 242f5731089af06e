"""The SMS desk (短信回复台): agents see customers' texts waiting for an answer, answer by SMS,
see the thread; or open a ticket from the text, which the intake form starts from and links."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.care.models import Notification
from closeloop.customers.models import Contact
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.console.ticket_helpers import as_user
from tests.support import Factory, MadeCustomer
from tests.support.demo import AGENT, EDITOR
from tests.support.factories import CATEGORY


def _texted(database: Database, clock: FixedClock, customer: MadeCustomer, text: str) -> int:
    with database.unit_of_work() as session:
        contact = Contact(
            customer_id=int(customer.id),
            at=clock.now() - timedelta(minutes=5),
            channel="sms",
            agent="sms-desk",
            summary=f"上行短信：{text}",
        )
        session.add(contact)
        session.flush()
        return contact.id


def _csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found
    return found.group(1)


def test_an_agent_answers_a_waiting_text_by_sms_and_sees_the_thread(
    client: TestClient, database: Database, clock: FixedClock, factory: Factory
) -> None:
    customer = factory.customer(name="李雷")
    contact_id = _texted(database, clock, customer, "我家宽带又断了")
    as_user(client, AGENT)

    queue = client.get("/console/sms")
    assert queue.status_code == 200
    assert "待回复短信" in queue.text and "我家宽带又断了" in queue.text
    assert 'href="/console/sms"' in queue.text  # linked from the navigation
    page = client.get(f"/console/sms?contact={contact_id}").text
    refused = client.post(
        f"/console/sms/{contact_id}/reply", data={"csrf_token": _csrf(page), "text": "  "}
    )
    assert refused.status_code == 422 and "请先填写回复内容。" in refused.text
    sent = client.post(
        f"/console/sms/{contact_id}/reply",
        data={"csrf_token": _csrf(page), "text": "您好，师傅今天下午上门。"},
        follow_redirects=False,
    )

    assert sent.status_code == 303
    thread = client.get(sent.headers["location"]).text
    assert "您的回复已通过短信发出。" in thread and "师傅今天下午上门" in thread
    with database.unit_of_work(write=False) as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None and contact.answered_by == AGENT
        texts = session.scalars(
            select(Notification.text).where(Notification.customer_id == int(customer.id))
        ).all()
    assert "您好，师傅今天下午上门。" in texts
    assert "我家宽带又断了" not in client.get("/console/sms?lang=en").text.split("SMS thread")[0]


def test_the_intake_form_starts_from_the_text_and_the_ticket_links_it(
    client: TestClient, database: Database, clock: FixedClock, factory: Factory
) -> None:
    customer = factory.customer()
    contact_id = _texted(database, clock, customer, "手机没有信号\n在家里和公司都这样")
    as_user(client, AGENT)

    form = client.get(f"/console/tickets/new?contact={contact_id}").text

    assert f'value="{customer.msisdn}"' in form and 'name="contact_id"' in form
    assert "手机没有信号" in form and "在家里和公司都这样" in form
    data = {
        "csrf_token": _csrf(form), "intake_key": "k-1", "contact_id": str(contact_id),
        "msisdn": customer.msisdn, "channel": "sms", "type": "fault", "severity": "normal",
        "category": CATEGORY,
        "title": "手机没有信号", "description": "在家里和公司都这样",
    }  # fmt: skip
    made = client.post("/console/tickets", data=data, follow_redirects=False)
    assert made.status_code == 303, made.text
    ticket_id = int(made.headers["location"].split("/")[3].split("?")[0])
    with database.unit_of_work(write=False) as session:
        contact = session.get(Contact, contact_id)
        assert contact is not None and contact.ticket_id == ticket_id
    assert "手机没有信号" not in client.get("/console/sms").text  # no longer waiting


def test_the_desk_is_for_agents(client: TestClient) -> None:
    as_user(client, EDITOR)
    assert client.get("/console/sms").status_code == 403
    assert 'href="/console/sms"' not in client.get("/console/kb").text
