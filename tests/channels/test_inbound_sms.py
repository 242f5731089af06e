"""Inbound SMS (上行短信) over the SMS centre's SMPP session, against the project's SMPP test
server: keyword commands are answered from CloseLoop's data, other texts become an `sms`
contact an agent answers by SMS."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from closeloop.care.channels.smpp import SmppTransport
from closeloop.care.dispatcher import Dispatcher
from closeloop.care.models import Notification, OptOut
from closeloop.channels.sms_rules import Command, read_command
from closeloop.customers.models import Contact, Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from tests.care.smpp_server import SmppServer
from tests.channels.helpers import a_customer
from tests.support import Personas, assert_problem
from tests.support.demo import AGENT, EDITOR


@pytest.fixture
def smsc() -> Iterator[SmppServer]:
    server = SmppServer().start()
    yield server
    server.stop()


@pytest.fixture
def bound(smsc: SmppServer, database: Database, clock: FixedClock) -> Iterator[Dispatcher]:
    """A dispatcher whose transceiver session is bound (it sent one notice); the demo's other
    pending notices are taken as sent, so a pass sends only what the test queues."""
    customer = a_customer(database, 5)
    with database.unit_of_work() as session:
        session.execute(
            update(Notification)
            .where(Notification.status.in_(("pending", "failed")))
            .values(status="sent")
        )
        session.add(
            Notification(
                customer_id=customer.id, msisdn=customer.msisdn, recipient="customer",
                channel="sms", rule="sms_reply", text="你好", status="pending",
                created_at=clock.now(), send_after=clock.now(), attempts=0,
            )
        )  # fmt: skip
    transport = SmppTransport("127.0.0.1", smsc.port, "closeloop", "secret", "10000", timeout=5)
    dispatcher = Dispatcher(database, {"sms": transport}, clock, sleep=lambda _s: None)
    dispatcher.run_once()
    assert smsc.binds == ["closeloop"]
    yield dispatcher
    dispatcher.close()


def receive(smsc: SmppServer, dispatcher: Dispatcher, msisdn: str, text: str) -> None:
    smsc.send_mo("86" + msisdn, text)
    for _ in range(200):  # the centre's PDU arrives on its own schedule; poll, bounded
        if dispatcher.collect_inbound():
            return
        time.sleep(0.02)
    raise AssertionError("the inbound SMS never arrived")


def answers(database: Database, customer: Customer) -> list[str]:
    with database.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(Notification.text)
                .where(Notification.customer_id == customer.id, Notification.rule == "sms_reply")
                .order_by(Notification.id)
            )
        )


def test_cxll_is_answered_with_this_months_usage(
    smsc: SmppServer, bound: Dispatcher, database: Database
) -> None:
    customer = a_customer(database)
    receive(smsc, bound, customer.msisdn, " cxll ")
    reply = answers(database, customer)[-1]
    assert reply.startswith("【客服】您11月已用流量") and "MB" in reply


def test_td_opts_out_of_the_usage_reminders(
    smsc: SmppServer, bound: Dispatcher, database: Database
) -> None:
    customer = a_customer(database, 1)
    receive(smsc, bound, customer.msisdn, "TD LL")
    with database.unit_of_work(write=False) as session:
        rules = session.scalars(select(OptOut.rule).where(OptOut.customer_id == customer.id))
        assert "data_threshold" in set(rules)
    assert "退订" in answers(database, customer)[-1]


def test_other_texts_become_a_contact_an_agent_answers_by_sms(
    smsc: SmppServer,
    bound: Dispatcher,
    database: Database,
    client: TestClient,
    as_user: Personas,
) -> None:
    customer = a_customer(database, 2)
    receive(smsc, bound, customer.msisdn, "我家宽带又断了，什么时候修好？")
    with database.unit_of_work(write=False) as session:
        contact = session.scalars(
            select(Contact).where(Contact.customer_id == customer.id, Contact.channel == "sms")
        ).one()
    assert (
        "宽带又断了" in contact.summary and "客服人员将尽快回复" in answers(database, customer)[-1]
    )

    body = {"contact_id": str(contact.id), "text": "您好，师傅今天下午上门。"}
    assert_problem(
        client.post("/api/v1/sms/replies", json=body, headers=as_user.headers(EDITOR)), 403
    )
    sent = client.post("/api/v1/sms/replies", json=body, headers=as_user.headers(AGENT))
    assert sent.status_code == 201, sent.text
    bound.run_once()
    to_customer = [
        s.short_message for s in smsc.submitted if s.destination == "86" + customer.msisdn
    ]
    assert any("师傅今天下午上门".encode("utf-16-be") in m for m in to_customer)


@pytest.mark.parametrize(
    ("text", "command"),
    [
        ("CXLL", Command("usage")),
        ("查询流量", Command("usage")),
        ("td", Command("opt_out", ("data_threshold", "roaming_arrival", "roaming_data"))),
        ("TD MY", Command("opt_out", ("roaming_arrival", "roaming_data"))),
        ("TD XX", Command("message")),
        ("CXLL 123", Command("message")),
        ("流量怎么这么快就用完了", Command("message")),
        ("", Command("message")),
    ],
)
def test_keyword_commands_are_read_from_the_table(text: str, command: Command) -> None:
    assert read_command(text) == command
