"""Reading one raw mail (邮件解析) into what CloseLoop keeps: sender, subject, text, thread
headers and attachments. Pure: bytes in, a `ReadMail` out; what is wrong with the mail is named
in `problems`, never raised, so a bad mail is still kept whole."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

_ID = re.compile(r"<[^<>\s]+>")
_TAGS = re.compile(r"<[^>]+>")
BODY_CHARS = 20000


@dataclass(frozen=True)
class Attachment:
    """A file that came with the mail."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class ReadMail:
    """What a mail says, as far as it could be read."""

    message_id: str
    sender: str  # lower case address, "" when there is none
    subject: str
    body: str
    in_reply_to: str | None
    references: tuple[str, ...]
    sent_at: datetime | None
    attachments: tuple[Attachment, ...] = ()
    problems: tuple[str, ...] = field(default=())

    @property
    def thread(self) -> tuple[str, ...]:
        """The message ids this mail answers, nearest first (In-Reply-To, then References
        from the newest)."""
        ids = ([self.in_reply_to] if self.in_reply_to else []) + list(reversed(self.references))
        return tuple(dict.fromkeys(ids))


def message_ids(value: str | None) -> tuple[str, ...]:
    """The `<id>` tokens of an In-Reply-To or References header."""
    return tuple(_ID.findall(value or ""))


def read_mail(raw: bytes) -> ReadMail:
    """Read a mail; a missing Message-ID is made from the bytes (the same mail, the same id)."""
    problems: list[str] = []
    try:
        mail = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:
        digest = hashlib.sha256(raw).hexdigest()[:32]
        return ReadMail(f"<{digest}@unreadable.closeloop>", "", "", "", None, (), None,
                        problems=(f"broken MIME: {exc}",))  # fmt: skip
    if mail.defects:
        problems.append("broken MIME: " + "; ".join(type(d).__name__ for d in mail.defects))
    found = message_ids(_header(mail, "Message-ID"))
    message_id = found[0] if found else f"<{hashlib.sha256(raw).hexdigest()[:32]}@no-id.closeloop>"
    sender = _sender(mail)
    if not sender:
        problems.append("no From address")
    replied = message_ids(_header(mail, "In-Reply-To"))
    body, attachments = _parts(mail, problems)
    return ReadMail(
        message_id=message_id[:255],
        sender=sender,
        subject=_header(mail, "Subject").strip()[:255],
        body=body[:BODY_CHARS],
        in_reply_to=replied[0][:255] if replied else None,
        references=message_ids(_header(mail, "References")),
        sent_at=_date(_header(mail, "Date")),
        attachments=tuple(attachments),
        problems=tuple(problems),
    )


def _header(mail: Message, name: str) -> str:
    try:
        return str(mail.get(name, "") or "")
    except Exception:
        return ""


def _sender(mail: Message) -> str:
    addresses = [a for _n, a in getaddresses([_header(mail, "From")]) if "@" in a]
    return addresses[0].strip().lower()[:254] if addresses else ""


def _date(value: str) -> datetime | None:
    try:
        return parsedate_to_datetime(value) if value else None
    except (TypeError, ValueError):
        return None


def _parts(mail: Message, problems: list[str]) -> tuple[str, list[Attachment]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[Attachment] = []
    for part in mail.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = part.get_content_disposition()
        content_type = part.get_content_type()
        if filename or disposition == "attachment":
            payload = part.get_payload(decode=True)
            content = payload if isinstance(payload, bytes) else b""
            attachments.append(Attachment((filename or "attachment")[:255], content_type, content))
        elif content_type == "text/plain":
            plain.append(_text(part, problems))
        elif content_type == "text/html":
            html.append(_TAGS.sub(" ", _text(part, problems)))
    return ("\n".join(plain) if plain else "\n".join(html)).strip(), attachments


def _text(part: Message, problems: list[str]) -> str:
    if isinstance(part, EmailMessage):
        try:
            content = part.get_content()
            return content if isinstance(content, str) else ""
        except (LookupError, UnicodeError, ValueError) as exc:
            problems.append(f"unreadable text part: {exc}")
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
