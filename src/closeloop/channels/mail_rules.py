"""The e-mail channel's rules (邮件规则), pure: which attachments are kept, which customer an
address names, how a reply's subject and thread headers are made."""

from __future__ import annotations

import re

_MSISDN_MAIL = re.compile(r"^(1[3-9]\d{9})@139\.com$")
_REPLY_PREFIX = re.compile(r"^\s*(re|回复|答复)\s*[:：]\s*", re.IGNORECASE)


def attachment_refusal(
    filename: str, content_type: str, size: int, allowed: tuple[str, ...], max_bytes: int
) -> str | None:
    """Why an attachment is not kept, or None: over the size limit, or a type not allowed
    (`allowed` holds types like `image/jpeg` or whole families like `image/*`)."""
    if size > max_bytes:
        return f"{filename}: {size} bytes, over the limit of {max_bytes}"
    family = content_type.split("/", 1)[0] + "/*"
    if content_type not in allowed and family not in allowed:
        return f"{filename}: type {content_type} not allowed"
    return None


def msisdn_of_address(address: str) -> str | None:
    """The mobile number a 139 mailbox (`13800138000@139.com`, China Mobile's mail) names."""
    found = _MSISDN_MAIL.match(address.strip().lower())
    return found.group(1) if found else None


def reply_subject(subject: str, ticket_number: str) -> str:
    """`Re: <subject> [<ticket number>]`, without piling up prefixes or numbers."""
    bare = subject
    while _REPLY_PREFIX.match(bare):
        bare = _REPLY_PREFIX.sub("", bare, count=1)
    tag = f"[{ticket_number}]"
    bare = bare.replace(tag, "").strip() or "CloseLoop"
    return f"Re: {bare} {tag}"[:255]


def references_for(answered_id: str, answered_references: str) -> str:
    """The References header of a reply: the answered mail's references, then its own id."""
    ids = list(dict.fromkeys([*answered_references.split(), answered_id]))
    return " ".join(ids[-10:])
