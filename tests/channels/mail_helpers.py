"""Shared steps of the e-mail tests: mails as customers write them, a mailbox to poll."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

from closeloop.config import Settings
from tests.support.demo import NOW
from tests.support.imap_server import ImapServer

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def a_mail(
    sender: str | None,
    subject: str = "宽带又断了",
    text: str = "您好，我家宽带从昨晚开始就断了，麻烦尽快处理。",
    *,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    files: tuple[tuple[str, str, bytes], ...] = (),
) -> bytes:
    """A customer's mail as their mail program sends it."""
    mail = EmailMessage()
    if sender:
        mail["From"] = f"客户 <{sender}>"
    mail["To"] = "service@closeloop.test"
    mail["Subject"] = subject
    mail["Date"] = format_datetime(NOW)
    if message_id:
        mail["Message-ID"] = message_id
    if in_reply_to:
        mail["In-Reply-To"] = in_reply_to
        mail["References"] = in_reply_to
    mail.set_content(text)
    for name, content_type, content in files:
        main, sub = content_type.split("/")
        mail.add_attachment(content, maintype=main, subtype=sub, filename=name)
    return mail.as_bytes()


def mailbox_settings(settings: Settings, imap: ImapServer) -> Settings:
    """The test's settings with the test IMAP server as the mailbox (no TLS on localhost)."""
    return settings.model_copy(update={
        "imap_host": "127.0.0.1", "imap_port": imap.port, "imap_tls": False,
        "imap_username": imap.username, "imap_password": imap.password,
        "smtp_sender": "service@closeloop.test",
    })  # fmt: skip
