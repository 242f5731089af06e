"""A customer's timeline: every source (contacts now; tickets and notifications later) merged."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from closeloop.customers.models import Contact, Customer, TierChange
from closeloop.customers.schemas import TimelineEntry

TimelineSource = Callable[[Session, Customer, datetime | None, int], list[TimelineEntry]]

_sources: list[TimelineSource] = []


Page = TypeVar("Page", bound="Select[*tuple[Any, ...]]")


def newest_first(query: Page, at: Any, *ids: Any, before: datetime | None, limit: int) -> Page:
    """One page of a timeline source: `query`'s rows newest first (by `at`, then `ids`), only
    those before `before`, at most `limit`."""
    query = query.order_by(at.desc(), *(i.desc() for i in ids)).limit(limit)
    return query if before is None else query.where(at < before)


def timeline_source(source: TimelineSource) -> TimelineSource:
    """Register a source of timeline entries (each domain's manifest names its own), once."""
    if source not in _sources:
        _sources.append(source)
    return source


def contacts_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """The customer's contacts."""
    query = select(Contact).where(Contact.customer_id == customer.id)
    query = newest_first(query, Contact.at, Contact.id, before=before, limit=limit)
    return [
        TimelineEntry(
            kind="contact",
            id=str(c.id),
            at=c.at,
            title=c.summary[:80],
            detail={
                "channel": c.channel,
                "agent": c.agent,
                "summary": c.summary,
                "duration_seconds": c.duration_seconds,
            },
        )
        for c in session.scalars(query)
    ]


def build_timeline(
    session: Session, customer: Customer, *, before: datetime | None = None, limit: int = 50
) -> list[TimelineEntry]:
    """The newest `limit` entries from every source, newest first."""
    entries: list[TimelineEntry] = []
    for source in _sources:
        entries.extend(source(session, customer, before, limit))
    # Ids are numeric strings: pad them so that "10" sorts after "9" at the same instant.
    entries.sort(key=lambda e: (e.at, e.kind, e.id.zfill(20)), reverse=True)
    return entries[:limit]


def tier_changes_source(
    session: Session, customer: Customer, before: datetime | None, limit: int
) -> list[TimelineEntry]:
    """The customer's value tier changes (价值等级变化)."""
    query = select(TierChange).where(TierChange.customer_id == customer.id)
    query = newest_first(query, TierChange.at, TierChange.id, before=before, limit=limit)
    return [
        TimelineEntry(
            kind="segment",
            id=str(c.id),
            at=c.at,
            title=f"{c.from_tier or '-'} → {c.to_tier}",
            detail={"from": c.from_tier, "to": c.to_tier, "by": c.by},
        )
        for c in session.scalars(query)
    ]
