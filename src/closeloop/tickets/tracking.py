"""Ticket tracking links (工单查询链接): a signed token naming one ticket, so a customer follows
their ticket's progress from the link in a notice without signing in. The token functions are
pure (the key is given); `tracked` reads the ticket a verified token names."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from closeloop.tickets.models import Ticket

_PURPOSE = b"ticket-tracking:"
_SIGNATURE_CHARS = 20  # 80 bits of HMAC-SHA256, hex: unguessable, short enough for an SMS
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(number: int) -> str:
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = _DIGITS[rest] + text
        if number == 0:
            return text


def _sign(secret: str, ticket_part: str) -> str:
    digest = hmac.new(secret.encode(), _PURPOSE + ticket_part.encode(), hashlib.sha256)
    return digest.hexdigest()[:_SIGNATURE_CHARS]


def tracking_token(ticket_id: int, secret: str) -> str:
    """The token of a ticket's tracking page: its id (base 36) and a signature."""
    part = _base36(ticket_id)
    return f"{part}-{_sign(secret, part)}"


def ticket_of(token: str, secret: str) -> int | None:
    """The ticket id a token names, or None when it is malformed or not signed by us."""
    part, _, signature = token.partition("-")
    if not part or len(part) > 12 or any(c not in _DIGITS for c in part):
        return None
    if not hmac.compare_digest(_sign(secret, part), signature):
        return None
    return int(part, 36)


def tracking_link(public_url: str, ticket_id: int, secret: str) -> str:
    """The full link a notice carries: `<public url>/t/<token>`."""
    return f"{public_url.rstrip('/')}/t/{tracking_token(ticket_id, secret)}"


def tracked(session: Session, ticket_id: int) -> Ticket | None:
    """The ticket a verified tracking token names (the token is the permission: no actor)."""
    return session.get(Ticket, ticket_id)


def followed_ticket_ids(
    session: Session, customer_id: int, finished_since: datetime, limit: int = 20
) -> list[int]:
    """A customer's tickets they may follow by number: every open one and those finished since
    `finished_since`, newest first (a verified number is the permission: no actor)."""
    query = (
        select(Ticket.id)
        .where(
            Ticket.customer_id == customer_id,
            Ticket.deleted_at.is_(None),
            or_(
                Ticket.status.not_in(("closed", "cancelled")),
                Ticket.updated_at >= finished_since,
            ),
        )
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))
