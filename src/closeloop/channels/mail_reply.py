"""Answering by mail (邮件回复): staff write on a ticket, the answer goes out through the SMTP
transport in the customer's thread — Subject, In-Reply-To and References of the mail answered,
and a Message-ID recorded here first, so the customer's next mail lands on the same ticket."""

from __future__ import annotations

from email.utils import make_msgid

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.care.outbox import Mailing, notify_by_mail
from closeloop.channels import mail_rules
from closeloop.channels.mail_models import Mail
from closeloop.customers.models import Customer
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.runtime.work import Work
from closeloop.tickets.remarks import add_remark
from closeloop.tickets.service import load_ticket

REPLY_RULE = "email_reply"
ADDRESS_CHARS = 64
TEXT_CHARS = 10000  # the outbox keeps a recipient in 64 characters


def last_received(work: Work, ticket_id: int) -> Mail | None:
    """The newest mail the customer sent on this ticket."""
    return work.session.scalar(
        select(Mail)
        .where(Mail.ticket_id == ticket_id, Mail.direction == "in", Mail.sender != "")
        .order_by(Mail.id.desc())
        .limit(1)
    )


def reply_by_mail(work: Work, ticket_id: str, text: str) -> Mail:
    """Queue a mail answer on a ticket the actor may see; the recorded outgoing mail."""
    work.actor.require("mail.reply")
    if not 1 <= len(text.strip()) <= TEXT_CHARS:
        raise InvalidInput.field("text", f"write 1 to {TEXT_CHARS} characters")
    session = work.session
    ticket = load_ticket(session, work.actor, ticket_id)
    answered = last_received(work, ticket.id)
    customer = session.get(Customer, ticket.customer_id)
    address = answered.sender if answered else (customer.email if customer else None)
    if not address:
        raise Conflict("nothing to answer by mail: no mail on this ticket, no customer e-mail")
    if len(address) > ADDRESS_CHARS:
        raise Conflict(f"the address {address} is longer than {ADDRESS_CHARS} characters")
    domain = work.settings.smtp_sender.rpartition("@")[2] or "closeloop"
    headers = {
        "Subject": mail_rules.reply_subject(answered.subject if answered else ticket.title,
                                            ticket.number),
        "Message-ID": make_msgid(domain=domain),
    }  # fmt: skip
    if answered is not None:
        headers["In-Reply-To"] = answered.message_id
        headers["References"] = mail_rules.references_for(answered.message_id, answered.references)
    notification = notify_by_mail(session, Mailing(
        ticket.customer_id, address, REPLY_RULE, text, work.now(), headers, ticket_id=ticket.id,
    ))  # fmt: skip
    session.flush()
    mail = Mail(
        message_id=headers["Message-ID"], direction="out", at=work.now(),
        sender=work.settings.smtp_sender, recipient=address, subject=headers["Subject"],
        body=text, in_reply_to=headers.get("In-Reply-To"),
        references=headers.get("References", ""), customer_id=ticket.customer_id,
        ticket_id=ticket.id, notification_id=notification.id, author=work.actor.username,
    )  # fmt: skip
    session.add(mail)
    session.flush()
    add_remark(session, work.actor, ticket.id, "mail_out",
               f"邮件回复 / mail to {address}: {text}", clock=work.clock)  # fmt: skip
    audit.record(session, work.actor, "mail.send", "mail", mail.id,
                 f"ticket={ticket.number} to={address}", clock=work.clock)  # fmt: skip
    return mail
