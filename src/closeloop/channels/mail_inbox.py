"""Inbound e-mail (邮件受理): a mail from the mailbox becomes an `email` contact on the customer
its sender names and a ticket — or, when it answers a mail of a ticket (In-Reply-To or
References), a remark on that ticket's timeline. The mail is kept whole first: a mail without a
sender, with broken MIME or from an unknown address is stored with its problem named."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy import func, select

from closeloop.auth import audit
from closeloop.care.outbox import notify_staff
from closeloop.channels import mail_rules
from closeloop.channels.mail_models import Mail, MailAttachment
from closeloop.channels.mail_read import ReadMail, read_mail
from closeloop.channels.settings import MAIL_ATTACHMENT_KB, MAIL_ATTACHMENT_TYPES, MAIL_CATEGORY
from closeloop.customers.models import Customer
from closeloop.customers.schemas import ContactIn
from closeloop.customers.service import record_contact
from closeloop.kit.actor import Actor
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.runtime.work import Work
from closeloop.tickets.remarks import add_remark, ticket_customer
from closeloop.tickets.schemas import TicketIn
from closeloop.tickets.service import create_ticket

MAIL_DESK = Actor(
    username="mail-desk",
    roles=("system",),
    permissions=frozenset({"contacts.write", "tickets.create"}),
)
UNMATCHED_RULE = "mail_unmatched"  # staff are told of a mail nobody's ticket could take


@dataclass(frozen=True)
class Taken:
    """What became of one mail: its row, whether it was new, its ticket, and its problem."""

    mail_id: int
    new: bool
    ticket_id: int | None
    problem: str | None


def take_mail(work: Work, raw: bytes, uid: int | None = None) -> Taken:
    """Store one mail and put it where it belongs; the same Message-ID twice is taken once."""
    read = read_mail(raw)
    session = work.session
    earlier = session.scalar(select(Mail).where(Mail.message_id == read.message_id))
    if earlier is not None:
        return Taken(earlier.id, False, earlier.ticket_id, earlier.problem)
    customer = _customer(work, read.sender) if read.sender else None
    mail = Mail(
        message_id=read.message_id, direction="in", at=work.now(), sender=read.sender,
        subject=read.subject, body=read.body, in_reply_to=read.in_reply_to,
        references=" ".join(read.references), customer_id=customer.id if customer else None,
        mailbox_uid=uid, raw=raw, problem="; ".join(read.problems) or None,
    )  # fmt: skip
    session.add(mail)
    session.flush()
    refused = _attachments(work, mail, read)
    if read.sender:
        _place(work, mail, read, customer)
    if refused and mail.ticket_id is not None:
        note = "邮件附件未保存 / attachments refused: " + "; ".join(refused)
        add_remark(session, MAIL_DESK, mail.ticket_id, "note", note, clock=work.clock)
    if mail.ticket_id is None:
        who = mail.sender or "无发件人"
        text = f"未能受理的邮件 #{mail.id}（{who}）：{mail.subject}"[:500]
        notify_staff(session, "role:agent", UNMATCHED_RULE, text, work.now())
    audit.record(session, MAIL_DESK, "mail.receive", "mail", mail.id,
                 f"{mail.message_id} ticket={mail.ticket_id} problem={mail.problem}",
                 clock=work.clock)  # fmt: skip
    return Taken(mail.id, True, mail.ticket_id, mail.problem)


def keep_failed(work: Work, raw: bytes, uid: int | None, error: str) -> Taken:
    """Keep a mail that could not be taken, raw, with the error (nothing a customer sends is
    lost); staff are told."""
    message_id = f"<{hashlib.sha256(raw).hexdigest()[:32]}@failed.closeloop>"
    earlier = work.session.scalar(select(Mail).where(Mail.message_id == message_id))
    if earlier is not None:
        return Taken(earlier.id, False, None, earlier.problem)
    mail = Mail(message_id=message_id, direction="in", at=work.now(), mailbox_uid=uid, raw=raw,
                problem=f"not taken: {error}"[:2000])  # fmt: skip
    work.session.add(mail)
    work.session.flush()
    notify_staff(work.session, "role:agent", UNMATCHED_RULE,
                 f"未能受理的邮件 #{mail.id}：{error}"[:500], work.now())  # fmt: skip
    audit.record(work.session, MAIL_DESK, "mail.receive", "mail", mail.id, mail.problem or "",
                 clock=work.clock)  # fmt: skip
    return Taken(mail.id, True, None, mail.problem)


def unmatched(work: Work, limit: int = 100) -> list[Mail]:
    """Mails received that no ticket took (unknown sender, no sender, failed), newest first."""
    work.actor.require("mail.read")
    query = select(Mail).where(Mail.direction == "in", Mail.ticket_id.is_(None))
    return list(work.session.scalars(query.order_by(Mail.id.desc()).limit(limit)))


def assign_mail(work: Work, mail_id: int, customer_id: int) -> Mail:
    """Staff name the customer of a mail no ticket took: it opens their ticket (or joins the
    one it answers), as if the sender had been known."""
    work.actor.require("mail.reply")
    session = work.session
    mail = session.get(Mail, mail_id)
    if mail is None or mail.direction != "in":
        raise NotFound(f"no received mail {mail_id}")
    if mail.ticket_id is not None:
        raise Conflict(f"mail {mail_id} is already on a ticket")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise InvalidInput.field("customer_id", f"no customer {customer_id}")
    read = read_mail(mail.raw or b"")
    mail.customer_id = customer.id
    mail.problem = "; ".join(read.problems) or None  # "unknown sender" is settled now
    _place(work, mail, read, customer)
    audit.record(session, work.actor, "mail.assign", "mail", mail.id,
                 f"customer={customer.id} ticket={mail.ticket_id}", clock=work.clock)  # fmt: skip
    return mail


def _customer(work: Work, address: str) -> Customer | None:
    session = work.session
    found = session.scalar(
        select(Customer).where(func.lower(Customer.email) == address).order_by(Customer.id)
    )
    msisdn = mail_rules.msisdn_of_address(address)
    if found is None and msisdn is not None:
        found = session.scalar(select(Customer).where(Customer.msisdn == msisdn))
    return found


def _attachments(work: Work, mail: Mail, read: ReadMail) -> list[str]:
    """Keep the attachments allowed; the reasons for those refused."""
    allowed = tuple(str(work.business(MAIL_ATTACHMENT_TYPES.key)).split(","))
    max_bytes = int(work.business(MAIL_ATTACHMENT_KB.key)) * 1024
    refused: list[str] = []
    for a in read.attachments:
        why = mail_rules.attachment_refusal(
            a.filename, a.content_type, len(a.content), allowed, max_bytes
        )
        work.session.add(MailAttachment(
            mail_id=mail.id, filename=a.filename, content_type=a.content_type[:127],
            size=len(a.content), content=None if why else a.content, refused=why,
        ))  # fmt: skip
        if why:
            refused.append(why)
    return refused


def _place(work: Work, mail: Mail, read: ReadMail, customer: Customer | None) -> None:
    """Join the ticket the mail answers, else open one for the customer."""
    session = work.session
    answered = _answered_ticket(work, read)
    if answered is not None:
        mail.ticket_id, owner_id = answered
        mail.customer_id = mail.customer_id or owner_id
        note = f"客户来信 / mail from {mail.sender}: {mail.subject}\n{mail.body}"
        add_remark(session, MAIL_DESK, mail.ticket_id, "mail_in", note, clock=work.clock)
    elif customer is not None:
        mail.ticket_id = _open_ticket(work, mail, customer)
    else:
        mail.problem = "; ".join(filter(None, [mail.problem, "unknown sender"]))
        return
    owner = session.get(Customer, mail.customer_id)
    if owner is not None:
        summary = f"来信：{mail.subject or '（无主题）'}"[:2000]
        contact = record_contact(
            session, MAIL_DESK, owner, ContactIn(channel="email", summary=summary),
            clock=work.clock,
        )  # fmt: skip
        mail.contact_id = contact.id


def _answered_ticket(work: Work, read: ReadMail) -> tuple[int, int] | None:
    """The ticket (and its customer) of the nearest mail this one answers."""
    if not read.thread:
        return None
    rows = work.session.execute(
        select(Mail.message_id, Mail.ticket_id).where(
            Mail.message_id.in_(read.thread), Mail.ticket_id.is_not(None)
        )
    ).all()
    tickets = {message_id: ticket_id for message_id, ticket_id in rows}
    for message_id in read.thread:  # nearest first
        ticket_id = tickets.get(message_id)
        owner = ticket_customer(work.session, ticket_id) if ticket_id is not None else None
        if ticket_id is not None and owner is not None:
            return ticket_id, owner
    return None


def _open_ticket(work: Work, mail: Mail, customer: Customer) -> int | None:
    try:
        data = TicketIn(
            customer_id=str(customer.id), channel="email", type="inquiry",
            category=str(work.business(MAIL_CATEGORY.key)), severity="normal",
            title=(mail.subject or "（无主题邮件）")[:200],
            description=(mail.body or mail.subject or "—")[:5000],
        )  # fmt: skip
        with work.session.begin_nested():
            ticket, _duplicate = create_ticket(
                work.session, MAIL_DESK, data, tz=work.tz, clock=work.clock
            )
    except (InvalidInput, ValidationError) as exc:
        mail.problem = "; ".join(filter(None, [mail.problem, f"no ticket opened: {exc}"]))
        return None
    return ticket.id
