"""Follow-up of a post (跟进): its `social` complaint ticket and the supervisors' alert.

The ticket is opened through the tickets service, by the opinion desk (a system actor), for
the customer the post names by number, else the public-opinion account customer. The same
author writing again about the same category within the window joins the ticket already open
for them instead of opening another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.outbox import notify_staff
from closeloop.customers.models import Customer
from closeloop.customers.schemas import CustomerIn
from closeloop.customers.service import create_customer, find_by_msisdn, list_plans
from closeloop.kit.actor import Actor
from closeloop.opinion.models import OpinionPost
from closeloop.opinion.people import named_customer
from closeloop.opinion.settings import DEDUP_DAYS, PUBLIC_MSISDN
from closeloop.organisation.models import Category
from closeloop.organisation.service import list_nodes
from closeloop.runtime.work import Work
from closeloop.tickets.schemas import TicketIn
from closeloop.tickets.service import create_ticket

DESK = Actor(
    username="opinion",
    roles=("system",),
    permissions=frozenset({"tickets.create", "customers.read", "customers.write"}),
)
URGENT_RULE = "opinion_urgent"


def ticket_category(category: str, codes: Sequence[tuple[str, str | None]]) -> str | None:
    """The first leaf ticket category under the post's top-level category (`other` files under
    `service`), given the active (code, parent) pairs; None when there is none."""
    top = "service" if category == "other" else category
    parents = {p for _, p in codes if p}
    leaves = sorted(c for c, _ in codes if c not in parents)
    return next((c for c in leaves if c == top or c.startswith(f"{top}/")), None)


def _public_customer(session: Session, work: Work) -> Customer | None:
    msisdn = str(work.business(PUBLIC_MSISDN.key))
    found = find_by_msisdn(session, DESK, msisdn)
    if found is not None:
        return found
    plans = list_plans(session)
    if not plans:
        return None
    data = CustomerIn(msisdn=msisdn, name="舆情公共账户", region="-", plan_code=plans[0].code)
    return create_customer(session, DESK, data, clock=work.clock)


def customer_for(session: Session, work: Work, post: OpinionPost) -> Customer | None:
    """The customer the post is known to be about, else the public-opinion account."""
    if post.customer_id is not None:
        known = session.get(Customer, post.customer_id)
        if known is not None:
            return known
    return named_customer(session, DESK, post.text) or _public_customer(session, work)


def earlier_ticket(session: Session, post: OpinionPost, days: int) -> int | None:
    """The ticket of the same author's post on the same category within `days`, if any."""
    since = post.posted_at - timedelta(days=days)
    return session.scalar(
        select(OpinionPost.ticket_id)
        .where(
            OpinionPost.author == post.author,
            OpinionPost.category == post.category,
            OpinionPost.ticket_id.is_not(None),
            OpinionPost.posted_at >= since,
            OpinionPost.id != post.id,
        )
        .order_by(OpinionPost.id.desc())
        .limit(1)
    )


def _title(post: OpinionPost) -> str:
    head = post.text.replace("\n", " ")
    return f"[舆情] @{post.author}: {head[:60]}{'…' if len(head) > 60 else ''}"


def _description(post: OpinionPost) -> str:
    lines = [f"来源 {post.source} · 作者 @{post.author}", post.text]
    if post.url:
        lines.insert(1, f"链接 {post.url}")
    return "\n".join(lines)


def open_ticket(work: Work, post: OpinionPost) -> int | None:
    """Link the post to its ticket: an earlier one of the same author and problem, or a new
    `social` complaint; None when no customer or category can carry it."""
    session = work.session
    earlier = earlier_ticket(session, post, int(work.business(DEDUP_DAYS.key)))
    if earlier is not None:
        return earlier
    codes = [(n.code, n.parent) for n in list_nodes(session, Category)]
    category = ticket_category(post.category, codes)
    customer = customer_for(session, work, post)
    if category is None or customer is None:
        return None
    data = TicketIn(
        customer_id=str(customer.id),
        channel="social",
        type="complaint",
        category=category,
        severity="urgent" if post.urgent else "normal",
        title=_title(post),
        description=_description(post),
        location={"region": post.region} if post.region else None,
    )
    ticket, _ = create_ticket(session, DESK, data, tz=work.tz, clock=work.clock)
    return ticket.id


def alert_supervisors(work: Work, post: OpinionPost) -> None:
    """An urgent post: every supervisor is told at once (internal notice in the outbox)."""
    text = f"紧急舆情 @{post.author}（{post.source}）：{post.text[:120]}"
    notify_staff(work.session, "role:supervisor", URGENT_RULE, text, work.now(),
                 ticket_id=post.ticket_id)  # fmt: skip
