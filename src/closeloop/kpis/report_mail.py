"""The report as an e-mail (报告邮件): one multipart/alternative message, a plain-text part and
an HTML part, sent with smtplib through the SMTP settings the care channel uses
(`CLOSELOOP_SMTP_HOST`, port, sender, login, STARTTLS)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from closeloop.config import Settings
from closeloop.kit.errors import InvalidInput


def compose(sender: str, recipients: list[str], subject: str, html: str, text: str) -> EmailMessage:
    """The message: plain text first, the HTML the reader's mail program prefers after it."""
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Subject"] = subject
    mail["Message-ID"] = make_msgid(domain="closeloop")
    mail.set_content(text)
    mail.add_alternative(html, subtype="html")
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
