"""The report as an e-mail (报告邮件): a multipart/alternative message, a plain-text part and
an HTML part — inside multipart/mixed beside the attachments when there are any (the PDF) —
sent with smtplib through the SMTP settings the care channel uses
(`CLOSELOOP_SMTP_HOST`, port, sender, login, STARTTLS)."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from closeloop.config import Settings
from closeloop.kit.errors import InvalidInput


@dataclass(frozen=True)
class Attachment:
    """A file the mail carries beside its body, e.g. the report as a PDF."""

    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "pdf"


def compose(
    sender: str, recipients: list[str], subject: str, html: str, text: str,
    attachments: Sequence[Attachment] = (),
) -> EmailMessage:  # fmt: skip
    """The message: plain text first, the HTML the reader's mail program prefers after it,
    then the attachments."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="closeloop")
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
    for item in attachments:
        mail.add_attachment(item.content, maintype=item.maintype, subtype=item.subtype,
                            filename=item.filename)  # fmt: skip
    return mail


def send(settings: Settings, mail: EmailMessage, timeout: float = 30.0) -> None:
    """Hand the message to the SMTP server; OSError or SMTPException when it cannot."""
    if not settings.smtp_host:
        raise InvalidInput.field("smtp_host", "no SMTP server is configured (CLOSELOOP_SMTP_HOST)")
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(mail)
