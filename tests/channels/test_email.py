"""Inbound e-mail over IMAP against the tests' IMAP server, answers over SMTP to aiosmtpd: a
mail becomes a contact and an `email` ticket, the answer keeps the thread, the customer's next
mail lands on the same ticket; every mail is stored before it is flagged seen, once."""

from __future__ import annotations

import email
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from closeloop.care.channels.smtp import SmtpTransport
from closeloop.care.dispatcher import Dispatcher
from closeloop.care.models import Notification
from closeloop.channels.mail_models import Mail, MailAttachment, MailboxCursor
from closeloop.channels.mail_poll import MailboxError, poll_mailbox
from closeloop.channels.settings import MAIL_ATTACHMENT_KB
from closeloop.config import Settings
from closeloop.customers.models import Contact, Customer
from closeloop.db.engine import Database
from closeloop.kit.clock import FixedClock
from closeloop.runtime.business import BusinessSettingValue
from closeloop.tickets.models import Ticket, TicketEvent
from tests.channels.helpers import a_customer
from tests.channels.mail_helpers import PNG, a_mail, mailbox_settings
from tests.support import Personas, assert_problem
from tests.support.cli import Cli
from tests.support.demo import AGENT, EDITOR, OTHER_STATION
from tests.support.imap_server import ImapServer
from tests.support.smtp_server import Mailbox, smtp_server

ADDRESS = "wang.fang@example.cn"


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    server = ImapServer().start()
    yield server
    server.stop()


@pytest.fixture
def box(settings: Settings, imap: ImapServer) -> Settings:
    return mailbox_settings(settings, imap)


@pytest.fixture
def customer(database: Database) -> Customer:
    """A demo customer who gave us their e-mail address."""
    found = a_customer(database, 3)
    with database.unit_of_work() as session:
        session.execute(update(Customer).where(Customer.id == found.id).values(email=ADDRESS))
    return found


@pytest.fixture
def smtp() -> Iterator[tuple[Mailbox, int]]:
    inbox = Mailbox()
    controller = smtp_server(inbox)
    yield inbox, controller.port
    controller.stop()


def mails(database: Database) -> list[Mail]:
    with database.unit_of_work(write=False) as session:
        return list(session.scalars(select(Mail).order_by(Mail.id)))


def history(database: Database, ticket_id: int) -> list[TicketEvent]:
    with database.unit_of_work(write=False) as session:
        query = select(TicketEvent).where(TicketEvent.ticket_id == ticket_id)
        return list(session.scalars(query.order_by(TicketEvent.id)))


def test_a_customers_mail_becomes_an_email_ticket_and_contact_and_is_flagged_seen(
    database: Database, clock: FixedClock, box: Settings, imap: ImapServer, customer: Customer
) -> None:
    uid = imap.deliver(a_mail(ADDRESS.upper(), message_id="<m1@example.cn>",
                              files=(("故障.png", "image/png", PNG),)))  # fmt: skip
    result = poll_mailbox(database, box, clock)

    assert result.as_dict() == {"fetched": 1, "stored": 1, "duplicates": 0, "problems": 0}
    assert imap.seen() == [uid]
    [mail] = mails(database)
    assert (mail.customer_id, mail.sender, mail.mailbox_uid) == (customer.id, ADDRESS, uid)
    with database.unit_of_work(write=False) as session:
        ticket = session.get(Ticket, mail.ticket_id)
        assert ticket is not None
        assert (ticket.channel, ticket.customer_id, ticket.title) == ("email", customer.id,
                                                                      "宽带又断了")  # fmt: skip
        assert "宽带从昨晚开始就断了" in ticket.description
        contact = session.get(Contact, mail.contact_id)
        assert contact is not None and contact.channel == "email"
        [kept] = session.scalars(select(MailAttachment).where(MailAttachment.mail_id == mail.id))
        assert (kept.filename, kept.size, kept.content, kept.refused) == (
            "故障.png",
            len(PNG),
            PNG,
            None,
        )


def test_the_answer_keeps_the_thread_and_the_customers_next_mail_joins_the_ticket(
    database: Database,
    clock: FixedClock,
    box: Settings,
    imap: ImapServer,
    customer: Customer,
    client: TestClient,
    as_user: Personas,
    smtp: tuple[Mailbox, int],
) -> None:
    imap.deliver(a_mail(ADDRESS, message_id="<first@example.cn>"))
    poll_mailbox(database, box, clock)
    [first] = mails(database)
    url = f"/api/v1/tickets/{first.ticket_id}/email-replies"
    body = {"text": "您好，师傅今天下午三点上门。"}

    assert_problem(client.post(url, json=body, headers=as_user.headers(EDITOR)), 403)
    assert_problem(client.post(url, json={"text": ""}, headers=as_user.headers(AGENT)), 422)
    sent = client.post(url, json=body, headers=as_user.headers(AGENT))
    assert sent.status_code == 201, sent.text
    reply = sent.json()
    assert reply["in_reply_to"] == "<first@example.cn>" and reply["direction"] == "out"

    inbox, port = smtp
    with database.unit_of_work() as session:  # only our answer is due
        session.execute(
            update(Notification)
            .where(Notification.id != int(reply["notification_id"]))
            .where(Notification.status.in_(("pending", "failed")))
            .values(status="sent")
        )
    transport = SmtpTransport("127.0.0.1", port, "service@closeloop.test")
    assert Dispatcher(database, {"email": transport}, clock).run_once()["sent"] == 1
    [envelope] = inbox.messages
    out = email.message_from_bytes(envelope.content)
    assert envelope.rcpt_tos == [ADDRESS]
    assert out["Message-ID"] == reply["message_id"]
    assert out["In-Reply-To"] == "<first@example.cn>"
    assert "<first@example.cn>" in out["References"]
    assert out["Subject"].endswith(f"[{_number(database, first.ticket_id)}]")

    imap.deliver(
        a_mail(
            ADDRESS,
            "Re: 宽带又断了",
            "好的，我在家等。",
            message_id="<second@example.cn>",
            in_reply_to=reply["message_id"],
        )
    )
    assert poll_mailbox(database, box, clock).stored == 1
    answer = mails(database)[-1]
    assert answer.ticket_id == first.ticket_id
    actions = [e.action for e in history(database, first.ticket_id or 0)]
    assert actions == ["create", "mail_out", "mail_in"]
    with database.unit_of_work(write=False) as session:
        opened = session.scalars(select(Ticket.id).where(Ticket.customer_id == customer.id))
        assert first.ticket_id in set(opened)
        assert (
            session.scalar(
                select(Ticket.id).where(Ticket.channel == "email", Ticket.id != first.ticket_id)
            )
            is None
        )

    thread = client.get(f"/api/v1/tickets/{first.ticket_id}/emails",
                        headers=as_user.headers(AGENT))  # fmt: skip
    assert [m["direction"] for m in thread.json()["items"]] == ["in", "out", "in"]
    timeline = client.get(f"/api/v1/customers/{customer.id}/timeline",
                          headers=as_user.headers(AGENT)).json()  # fmt: skip
    kinds = {(e["kind"], e["detail"].get("channel")) for e in timeline["items"]}
    assert {("mail", "email"), ("contact", "email")} <= kinds


def _number(database: Database, ticket_id: int | None) -> str:
    with database.unit_of_work(write=False) as session:
        ticket = session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.number


def test_a_mail_is_stored_once_however_often_it_is_fetched(
    database: Database, clock: FixedClock, box: Settings, imap: ImapServer, customer: Customer
) -> None:
    imap.deliver(a_mail(ADDRESS, message_id="<once@example.cn>"))
    imap.drop_on_store = 1  # stored, then the connection dies before \Seen is set
    with pytest.raises(MailboxError):
        poll_mailbox(database, box, clock)
    assert len(mails(database)) == 1 and imap.seen() == []
    # the cursor is past it: not fetched again
    assert poll_mailbox(database, box, clock).fetched == 0
    # the folder is rebuilt (new UIDVALIDITY) and the same mail arrives again, twice
    imap.uid_validity += 1
    imap.deliver(a_mail(ADDRESS, message_id="<once@example.cn>"))
    again = poll_mailbox(database, box, clock)
    assert (again.fetched, again.stored, again.duplicates) == (2, 0, 2)
    assert len(mails(database)) == 1
    with database.unit_of_work(write=False) as session:
        cursor = session.get(MailboxCursor, "INBOX")
        assert cursor is not None and cursor.uid_validity == imap.uid_validity
        assert len(session.scalars(select(Ticket).where(Ticket.channel == "email")).all()) == 1


def test_bad_mail_is_kept_with_its_problem_named_and_staff_told(
    database: Database, clock: FixedClock, box: Settings, imap: ImapServer, customer: Customer
) -> None:
    with database.unit_of_work() as session:  # the operator keeps attachments up to 1 KB
        session.add(BusinessSettingValue(key=MAIL_ATTACHMENT_KB.key, value=1, changed_by="admin",
                                         changed_at=clock.now()))  # fmt: skip
    huge = b"%PDF-" + b"0" * 1024
    imap.deliver(a_mail(None, "没有发件人", message_id="<nofrom@example.cn>"))
    imap.deliver(b"From: <" + ADDRESS.encode() + b">\r\nSubject: broken\r\nMessage-ID: "
                 b"<broken@example.cn>\r\nContent-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
                 b"--zz\r\nContent-Type: text/plain\r\n\r\nhalf a mail")  # fmt: skip
    imap.deliver(a_mail(ADDRESS, "发票和程序", message_id="<files@example.cn>",
                        files=(("invoice.pdf", "application/pdf", huge),
                               ("setup.exe", "application/x-msdownload", b"MZ"))))  # fmt: skip
    imap.deliver(a_mail("stranger@example.org", "你们好", message_id="<who@example.org>"))
    result = poll_mailbox(database, box, clock)
    assert (result.stored, len(imap.seen())) == (4, 4)

    by_id = {m.message_id: m for m in mails(database)}
    assert by_id["<nofrom@example.cn>"].problem == "no From address"
    assert by_id["<nofrom@example.cn>"].ticket_id is None
    assert "broken MIME" in (by_id["<broken@example.cn>"].problem or "")
    assert by_id["<broken@example.cn>"].raw and by_id["<broken@example.cn>"].ticket_id
    stranger = by_id["<who@example.org>"]
    assert stranger.problem == "unknown sender" and stranger.customer_id is None
    assert stranger.raw and b"stranger@example.org" in stranger.raw

    files = by_id["<files@example.cn>"]
    assert files.ticket_id is not None
    with database.unit_of_work(write=False) as session:
        refused = dict(session.execute(
            select(MailAttachment.filename, MailAttachment.refused)
            .where(MailAttachment.mail_id == files.id)
        ).all())  # fmt: skip
        told = session.scalars(
            select(Notification.text).where(Notification.rule == "mail_unmatched")
        ).all()
    assert "over the limit" in (refused["invoice.pdf"] or "")
    assert "not allowed" in (refused["setup.exe"] or "")
    [note] = [e.note for e in history(database, files.ticket_id) if e.action == "note"]
    assert "invoice.pdf" in note and "setup.exe" in note
    assert len(told) == 2 and any("stranger@example.org" in t for t in told)


def test_a_139_mailbox_names_the_customer_by_number(
    database: Database, clock: FixedClock, box: Settings, imap: ImapServer
) -> None:
    customer = a_customer(database, 4)
    imap.deliver(a_mail(f"{customer.msisdn}@139.com", message_id="<m139@139.com>"))
    poll_mailbox(database, box, clock)
    [mail] = mails(database)
    assert mail.customer_id == customer.id and mail.ticket_id is not None


def test_a_wrong_password_is_a_clear_error(
    database: Database, clock: FixedClock, box: Settings
) -> None:
    with pytest.raises(MailboxError, match=r"AUTHENTICATIONFAILED|invalid credentials"):
        poll_mailbox(database, box.model_copy(update={"imap_password": "nope"}), clock)


def test_attachments_are_downloaded_by_staff_who_see_the_ticket(
    database: Database,
    clock: FixedClock,
    box: Settings,
    imap: ImapServer,
    customer: Customer,
    client: TestClient,
    as_user: Personas,
) -> None:
    imap.deliver(a_mail(ADDRESS, message_id="<photo@example.cn>",
                        files=(("路由器.png", "image/png", PNG),)))  # fmt: skip
    poll_mailbox(database, box, clock)
    [mail] = mails(database)
    thread = client.get(f"/api/v1/tickets/{mail.ticket_id}/emails",
                        headers=as_user.headers(AGENT)).json()  # fmt: skip
    [attachment] = thread["items"][0]["attachments"]
    url = f"/api/v1/mail-attachments/{attachment['id']}"
    got = client.get(url, headers=as_user.headers(AGENT))
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-disposition"].startswith("attachment")
    assert_problem(client.get(url, headers=as_user.headers(EDITOR)), 403)
    # a station the ticket never went to does not see it
    assert_problem(client.get(url, headers=as_user.headers(OTHER_STATION)), 404)
    assert_problem(client.get("/api/v1/mail-attachments/999999",
                              headers=as_user.headers(AGENT)), 404)  # fmt: skip


def test_the_mail_poll_command_fetches_the_mailbox(
    cli: Cli, imap: ImapServer, monkeypatch: pytest.MonkeyPatch, database: Database
) -> None:
    from closeloop.config import get_settings

    assert cli("mail", "poll").exit_code == 1  # no mailbox configured: says so
    imap.deliver(a_mail("nobody@example.org", message_id="<cli@example.org>"))
    for name, value in {
        "HOST": "127.0.0.1",
        "PORT": str(imap.port),
        "TLS": "false",
        "USERNAME": imap.username,
        "PASSWORD": imap.password,
    }.items():
        monkeypatch.setenv(f"CLOSELOOP_IMAP_{name}", value)  # fmt: skip
    get_settings.cache_clear()
    done = cli("mail", "poll")
    assert done.exit_code == 0, done.output
    assert '"stored": 1' in done.output
    assert [m.message_id for m in mails(database)] == ["<cli@example.org>"]
    monkeypatch.setenv("CLOSELOOP_IMAP_PASSWORD", "wrong")
    get_settings.cache_clear()
    refused = cli("mail", "poll")
    assert refused.exit_code == 1 and "invalid credentials" in refused.output


def test_staff_place_a_mail_from_an_unknown_sender_on_its_customer(
    database: Database,
    clock: FixedClock,
    box: Settings,
    imap: ImapServer,
    client: TestClient,
    as_user: Personas,
) -> None:
    imap.deliver(a_mail("cousin@example.org", "替我表哥报修", message_id="<proxy@example.org>"))
    poll_mailbox(database, box, clock)
    listed = client.get("/api/v1/emails/unmatched", headers=as_user.headers(AGENT))
    [waiting] = listed.json()["items"]
    assert waiting["problem"] == "unknown sender"
    url = f"/api/v1/emails/{waiting['id']}/customer"
    customer = a_customer(database, 7)
    body = {"customer_id": str(customer.id)}
    assert_problem(client.post(url, json=body, headers=as_user.headers(EDITOR)), 403)
    assert_problem(client.post(url, json={"customer_id": "x"}, headers=as_user.headers(AGENT)),
                   422)  # fmt: skip
    assert_problem(client.post(url, json={"customer_id": "99999999"},
                               headers=as_user.headers(AGENT)), 422)  # fmt: skip
    placed = client.post(url, json=body, headers=as_user.headers(AGENT))
    assert placed.status_code == 200, placed.text
    [mail] = mails(database)
    assert (mail.customer_id, mail.problem) == (customer.id, None) and mail.ticket_id
    assert_problem(client.post(url, json=body, headers=as_user.headers(AGENT)), 409)
    assert client.get("/api/v1/emails/unmatched", headers=as_user.headers(AGENT)).json() == {
        "items": []
    }
