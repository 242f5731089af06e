"""E-mail over SMTP (staff distribution lists, e.g. the network operations centre)."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

from closeloop.care.channels import Accepted, DeliveryError, Message, Receipt

SUBJECTS = {
    "outage": "CloseLoop 故障/割接通知",
    "outage_closed": "CloseLoop 恢复通知",
}


class SmtpTransport:
    """Mail through an SMTP server (optionally STARTTLS and login)."""

    channel = "email"

    def __init__(
        self,
        host: str,
        port: int,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = False,
        timeout: float = 10.0,
    ) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.starttls, self.timeout = (
            username,
            password,
            starttls,
            timeout,
        )

    def send(self, message: Message) -> Accepted:
        """Send one mail; its Message-ID."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.address
        # a reply in a customer's thread brings its own Subject, Message-ID, In-Reply-To and
        # References (the Message-ID recorded before it was queued), so their answer threads back
        headers: dict[str, str] = message.fields.get("mail_headers") or {}
        mail["Subject"] = headers.get(
            "Subject", SUBJECTS.get(message.rule, f"CloseLoop 通知（{message.rule}）")
        )
        mail["Message-ID"] = headers.get("Message-ID") or make_msgid(domain="closeloop")
        for name in ("In-Reply-To", "References"):
            if headers.get(name):
                mail[name] = headers[name]
        mail.set_content(message.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            raise DeliveryError(f"recipient refused: {exc.recipients}", permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise DeliveryError(f"SMTP {self.host}:{self.port}: {exc}") from exc
        return Accepted(str(mail["Message-ID"]), "250 accepted")

    def receipts(self) -> list[Receipt]:
        """SMTP gives no later receipts."""
        return []

    def close(self) -> None:
        """Nothing is kept open between messages."""
