"""The e-mail channel over HTTP: a ticket's mail thread, answering it by mail, and downloading a
kept attachment."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select

from closeloop.auth.deps import work_requiring
from closeloop.channels import mail_inbox, mail_reply
from closeloop.channels.mail_models import Mail, MailAttachment
from closeloop.kit.errors import NotFound
from closeloop.runtime.work import Work
from closeloop.tickets.service import load_ticket

router = APIRouter(prefix="/api/v1", tags=["email"])
Replier = Annotated[Work, Depends(work_requiring("mail.reply"))]
Reader = Annotated[Work, Depends(work_requiring("mail.read"))]
Downloader = Annotated[Work, Depends(work_requiring("mail.attachments"))]


class EmailReplyIn(BaseModel):
    """The answer mailed to the customer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=10000)


class AttachmentOut(BaseModel):
    """A file that came with a mail: kept, or refused with the reason."""

    id: str
    filename: str
    content_type: str
    size: int
    refused: str | None


class MailOut(BaseModel):
    """One mail of a ticket's thread."""

    id: str
    direction: str
    at: datetime
    message_id: str
    sender: str
    recipient: str
    subject: str
    body: str
    in_reply_to: str | None
    notification_id: str | None
    author: str | None
    problem: str | None
    attachments: list[AttachmentOut] = []


class MailThread(BaseModel):
    """A ticket's mails, oldest first."""

    items: list[MailOut]


def mail_out(mail: Mail, attachments: list[MailAttachment]) -> MailOut:
    """A mail as the API shows it."""
    return MailOut(
        id=str(mail.id), direction=mail.direction, at=mail.at, message_id=mail.message_id,
        sender=mail.sender, recipient=mail.recipient, subject=mail.subject, body=mail.body,
        in_reply_to=mail.in_reply_to,
        notification_id=str(mail.notification_id) if mail.notification_id else None,
        author=mail.author, problem=mail.problem,
        attachments=[
            AttachmentOut(id=str(a.id), filename=a.filename, content_type=a.content_type,
                          size=a.size, refused=a.refused)
            for a in attachments
        ],
    )  # fmt: skip


def ticket_thread(work: Work, ticket_id: str) -> list[MailOut]:
    """The mails of a ticket the actor may see, oldest first, with their attachments."""
    ticket = load_ticket(work.session, work.actor, ticket_id)
    mails = list(
        work.session.scalars(select(Mail).where(Mail.ticket_id == ticket.id).order_by(Mail.id))
    )
    files: dict[int, list[MailAttachment]] = {m.id: [] for m in mails}
    if mails:
        for a in work.session.scalars(
            select(MailAttachment)
            .where(MailAttachment.mail_id.in_(files))
            .order_by(MailAttachment.id)
        ):
            files[a.mail_id].append(a)
    return [mail_out(m, files[m.id]) for m in mails]


@router.get("/tickets/{ticket_id}/emails", response_model=MailThread)
def ticket_emails(ticket_id: str, work: Reader) -> MailThread:
    """The ticket's mail thread: what the customer sent and what we answered."""
    return MailThread(items=ticket_thread(work, ticket_id))


@router.post(
    "/tickets/{ticket_id}/email-replies",
    status_code=201,
    response_model=MailOut,
    responses={404: {"description": "No such ticket"}, 409: {"description": "No address"}},
)
def reply_by_email(ticket_id: str, body: EmailReplyIn, work: Replier) -> MailOut:
    """Answer the customer by mail in their thread (sent through the outbox's SMTP channel)."""
    return mail_out(mail_reply.reply_by_mail(work, ticket_id, body.text), [])


def attachment_file(work: Work, attachment_id: str) -> MailAttachment:
    """A kept attachment of a mail on a ticket the actor may see (404 otherwise)."""
    work.actor.require("mail.attachments")
    found = (
        work.session.get(MailAttachment, int(attachment_id))
        if attachment_id.isdigit() and len(attachment_id) < 12
        else None
    )
    mail = work.session.get(Mail, found.mail_id) if found is not None else None
    if found is None or found.content is None or mail is None or mail.ticket_id is None:
        raise NotFound(f"no attachment {attachment_id!r}")
    load_ticket(work.session, work.actor, str(mail.ticket_id))
    return found


def download(found: MailAttachment) -> Response:
    """The attachment as a download (never shown inline: it came from outside)."""
    quoted = found.filename.replace('"', "").encode("ascii", "replace").decode()
    return Response(
        found.content or b"",
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{quoted}"; '
            f"filename*=UTF-8''{quote(found.filename, safe='')}",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.get("/mail-attachments/{attachment_id}", response_class=Response)
def download_attachment(attachment_id: str, work: Downloader) -> Response:
    """Download a kept attachment of a ticket's mail."""
    return download(attachment_file(work, attachment_id))


class MailPage(BaseModel):
    """Mails no ticket took, newest first."""

    items: list[MailOut]


class AssignIn(BaseModel):
    """Whose mail it is."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    customer_id: str = Field(min_length=1, max_length=20, pattern=r"^\d+$")


@router.get("/emails/unmatched", response_model=MailPage)
def unmatched_emails(work: Reader) -> MailPage:
    """Mails no ticket took — unknown or missing sender, unreadable — for staff to place."""
    return MailPage(items=[mail_out(m, []) for m in mail_inbox.unmatched(work)])


@router.post(
    "/emails/{mail_id}/customer",
    response_model=MailOut,
    responses={404: {"description": "No such mail"}, 409: {"description": "Already placed"}},
)
def assign_email(mail_id: int, body: AssignIn, work: Replier) -> MailOut:
    """Name the customer of an unmatched mail: it opens their ticket or joins its thread."""
    return mail_out(mail_inbox.assign_mail(work, mail_id, int(body.customer_id)), [])
