"""Posts on the customer's timeline (客户时间线上的舆情): every watched post about the customer,
with what the classifier said and whether it was answered in public."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.customers.models import Customer
from closeloop.customers.schemas import TimelineEntry
from closeloop.customers.timeline import newest_first
from closeloop.opinion.models import OpinionPost

TITLE_CHARS = 60


def _title(post: OpinionPost) -> str:
    head = post.text.replace("\n", " ")
    more = "…" if len(head) > TITLE_CHARS else ""
    return f"舆情 @{post.author}（{post.source}）：{head[:TITLE_CHARS]}{more}"


def posts_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """The customer's watched posts, newest first."""
    query = select(OpinionPost).where(OpinionPost.customer_id == customer.id)
    query = newest_first(query, OpinionPost.posted_at, OpinionPost.id, before=before, limit=limit)
    return [
        TimelineEntry(
            kind="opinion", id=str(p.id), at=p.posted_at, title=_title(p), detail=_detail(p)
        )
        for p in session.scalars(query)
    ]


def _detail(p: OpinionPost) -> dict[str, object]:
    return {
        "external_id": p.external_id, "url": p.url, "sentiment": p.sentiment,
        "complaint": p.complaint, "urgent": p.urgent, "category": p.category,
        "ticket_id": p.ticket_id, "replied_at": p.replied_at,
    }  # fmt: skip
