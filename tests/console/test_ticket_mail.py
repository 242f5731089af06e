"""Mail on the ticket page: the customer's mail with its attachment, the answer box, and the
answer landing in the thread — in Chinese and in English."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from closeloop.channels.mail_inbox import take_mail
from closeloop.channels.mail_models import Mail, MailAttachment
from closeloop.config import Settings
from closeloop.customers.models import Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.runtime.work import Work
from tests.channels.helpers import a_customer
from tests.channels.mail_helpers import PNG, a_mail
from tests.console.helpers import csrf_of, sign_in
from tests.support.demo import AGENT, EDITOR

ADDRESS = "li.lei@example.cn"


def _mailed_ticket(database: Database, settings: Settings, clock: FixedClock) -> int:
    customer = a_customer(database, 6)
    with database.unit_of_work() as session:
        session.execute(update(Customer).where(Customer.id == customer.id).values(email=ADDRESS))
        taken = take_mail(Work(session, settings, clock).bind(), a_mail(
            ADDRESS, "光猫红灯", "光猫一直亮红灯", message_id="<red@example.cn>",
            files=(("光猫.png", "image/png", PNG), ("x.exe", "application/x-msdownload", b"MZ")),
        ))  # fmt: skip
    assert taken.ticket_id is not None
    return taken.ticket_id


def test_the_ticket_page_shows_the_mail_and_answers_it_by_mail(
    client: TestClient, database: Database, settings: Settings, clock: FixedClock
) -> None:
    ticket_id = _mailed_ticket(database, settings, clock)
    sign_in(client, AGENT)
    page = client.get(f"/console/tickets/{ticket_id}")
    assert page.status_code == 200
    html = page.text
    assert "客户来信" in html and "光猫一直亮红灯" in html and "邮件回复客户" in html
    assert "x.exe" in html and "未保存" in html
    with database.unit_of_work(write=False) as session:
        kept = session.scalar(select(MailAttachment.id).where(MailAttachment.refused.is_(None)))
    assert f'href="/console/mail-attachments/{kept}"' in html
    assert client.get(f"/console/mail-attachments/{kept}").content == PNG

    empty = client.post(f"/console/tickets/{ticket_id}/email-replies",
                        data={"csrf_token": csrf_of(html), "text": "  "},
                        follow_redirects=False)  # fmt: skip
    assert empty.status_code == 303 and "mail=invalid" in empty.headers["location"]
    sent = client.post(f"/console/tickets/{ticket_id}/email-replies",
                       data={"csrf_token": csrf_of(html), "text": "师傅明天上午上门"})  # fmt: skip
    assert sent.status_code == 200 and "回复已排队" in sent.text
    with database.unit_of_work(write=False) as session:
        out = session.scalars(select(Mail).where(Mail.direction == "out")).one()
    assert (out.in_reply_to, out.recipient, out.ticket_id) == (
        "<red@example.cn>",
        ADDRESS,
        ticket_id,
    )

    english = client.get(f"/console/tickets/{ticket_id}?lang=en").text
    assert "Mail from the customer" in english and "Answered by mail" in english


def test_staff_without_mail_permissions_see_no_mail_and_cannot_answer(
    client: TestClient, database: Database, settings: Settings, clock: FixedClock
) -> None:
    ticket_id = _mailed_ticket(database, settings, clock)
    html = sign_in(client, EDITOR)
    refused = client.post(f"/console/tickets/{ticket_id}/email-replies",
                          data={"csrf_token": html, "text": "hi"})  # fmt: skip
    assert refused.status_code == 403
    assert client.get("/console/mail-attachments/1").status_code == 403
