"""Survey answers by SMS reply (短信回复评价), through the project's SMPP test server: a reply
to an open CSAT invitation answers it with a thank-you; anything else stays a contact."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from closeloop.care.dispatcher import Dispatcher
from closeloop.care.models import Notification
from closeloop.customers.models import Contact
from closeloop.db.engine import Database
from closeloop.quality.instruments import CSAT, NPS
from closeloop.quality.models import SurveyInvitation, SurveyResponse
from closeloop.quality.sms_reply_rules import read_score
from tests.care.smpp_server import SmppServer
from tests.channels import test_inbound_sms as inbound
from tests.support import Factory, MadeCustomer

# the inbound SMS tests' SMS centre and bound dispatcher, shared
smsc = inbound.smsc
bound = inbound.bound
receive = inbound.receive


def _invited(factory: Factory) -> MadeCustomer:
    customer = factory.customer()
    factory.ticket("closed", customer=customer)  # the callback closes it: a CSAT invitation
    return customer


def _responses(database: Database, customer: MadeCustomer) -> list[dict[str, int]]:
    with database.unit_of_work(write=False) as session:
        return [
            dict(r)
            for r in session.scalars(
                select(SurveyResponse.answers)
                .join(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
                .where(SurveyInvitation.customer_id == int(customer.id))
            )
        ]


def answers(database: Database, customer: MadeCustomer) -> list[str]:
    with database.unit_of_work(write=False) as session:
        return list(
            session.scalars(
                select(Notification.text)
                .where(
                    Notification.customer_id == int(customer.id),
                    Notification.rule == "sms_reply",
                )
                .order_by(Notification.id)
            )
        )


def _sms_contacts(database: Database, customer: MadeCustomer) -> int:
    with database.unit_of_work(write=False) as session:
        return len(
            session.scalars(
                select(Contact.id).where(
                    Contact.customer_id == int(customer.id), Contact.channel == "sms"
                )
            ).all()
        )


def test_a_score_reply_answers_the_invitation_with_thanks(
    smsc: SmppServer,
    bound: Dispatcher,
    database: Database,
    factory: Factory,
) -> None:
    customer = _invited(factory)

    receive(smsc, bound, customer.msisdn, " ５ ")

    assert _responses(database, customer) == [{"csat": 5}]
    assert answers(database, customer)[-1].startswith("【服务调查】已收到您的评价（5分")
    assert _sms_contacts(database, customer) == 0
    receive(smsc, bound, customer.msisdn, "4")  # answered once: the next text is a message
    assert _responses(database, customer) == [{"csat": 5}]
    assert _sms_contacts(database, customer) == 1


def test_a_word_reply_answers_and_a_detractor_gets_a_followup_ticket(
    smsc: SmppServer,
    bound: Dispatcher,
    database: Database,
    factory: Factory,
    client: TestClient,
) -> None:
    customer = _invited(factory)

    receive(smsc, bound, customer.msisdn, "不满意")

    assert _responses(database, customer) == [{"csat": 2}]
    with database.unit_of_work(write=False) as session:
        followup = session.scalar(
            select(SurveyResponse.followup_ticket_id)
            .join(SurveyInvitation, SurveyInvitation.id == SurveyResponse.invitation_id)
            .where(SurveyInvitation.customer_id == int(customer.id))
        )
    assert followup is not None


def test_a_reply_that_is_no_answer_becomes_a_contact(
    smsc: SmppServer,
    bound: Dispatcher,
    database: Database,
    factory: Factory,
) -> None:
    customer = _invited(factory)

    receive(smsc, bound, customer.msisdn, "6")  # out of the 1–5 scale
    receive(smsc, bound, customer.msisdn, "师傅修得很好，但来晚了")

    assert _responses(database, customer) == []
    assert _sms_contacts(database, customer) == 2
    assert "客服人员将尽快回复" in answers(database, customer)[-1]


@pytest.mark.parametrize(
    ("text", "csat", "nps"),
    [
        ("5", 5, 5),
        ("１", 1, 1),
        ("4分", 4, 4),
        ("10", None, 10),
        ("0", None, 0),
        ("非常满意", 5, None),
        ("满意！", 4, None),
        ("非常不满意。", 1, None),
        ("5G信号差", None, None),
        ("123", None, None),
        ("", None, None),
    ],
)
def test_replies_are_read_on_the_questions_scale(
    text: str, csat: int | None, nps: int | None
) -> None:
    assert read_score(text, CSAT.items[0]) == csat
    assert read_score(text, NPS.items[0]) == nps
