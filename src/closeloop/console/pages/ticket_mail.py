"""Mail on the ticket page (工单邮件): the customer's mails and our answers with their
attachments, a reply box for tickets that came by mail, and downloading an attachment."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from closeloop.channels.mail_api import MailOut, attachment_file, download, ticket_thread
from closeloop.channels.mail_reply import reply_by_mail
from closeloop.console.page import Page, PageContext
from closeloop.console.web import redirect
from closeloop.kit.errors import Conflict, InvalidInput

router = APIRouter(include_in_schema=False)


def thread_for(page: PageContext, ticket_id: int) -> list[MailOut] | None:
    """The ticket's mails for the page, None when the user may not read mail."""
    if not page.actor.can("mail.read"):
        return None
    return ticket_thread(page.work, str(ticket_id))


@router.post("/console/tickets/{ticket_id:int}/email-replies")
def reply(
    ticket_id: int,
    page: Page,
    csrf_token: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
) -> Response:
    """Answer the customer by mail from the ticket page."""
    page.check_csrf(csrf_token)
    page.needs("mail.reply")
    try:
        with page.session.begin_nested():
            reply_by_mail(page.work, str(ticket_id), text.strip())
    except InvalidInput:
        return redirect(f"/console/tickets/{ticket_id}?mail=invalid#mail")
    except Conflict:
        return redirect(f"/console/tickets/{ticket_id}?mail=noaddress#mail")
    return redirect(f"/console/tickets/{ticket_id}?mail=sent#mail")


@router.get("/console/mail-attachments/{attachment_id}")
def attachment(attachment_id: str, page: Page) -> Response:
    """Download an attachment of a ticket's mail."""
    page.needs("mail.attachments")
    return download(attachment_file(page.work, attachment_id))
