"""Reading posts (舆情列表): newest first, filtered, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, select

from closeloop.kit.pagination import id_page
from closeloop.opinion.models import OpinionPost
from closeloop.opinion.schemas import PostOut, PostPage
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class PostFilter:
    sentiment: str | None = None
    complaint: bool | None = None
    urgent: bool | None = None
    category: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    q: str | None = None


def _conditions(where: PostFilter) -> list[ColumnElement[bool]]:
    p, out = OpinionPost, []
    if where.sentiment:
        out.append(p.sentiment == where.sentiment)
    if where.complaint is not None:
        out.append(p.complaint.is_(where.complaint))
    if where.urgent is not None:
        out.append(p.urgent.is_(where.urgent))
    if where.category:
        out.append(p.category == where.category)
    if where.since is not None:
        out.append(p.posted_at >= where.since)
    if where.until is not None:
        out.append(p.posted_at < where.until)
    if where.q:
        out.append(p.text.contains(where.q, autoescape=True))
    return out


def filtered(where: PostFilter) -> Select[OpinionPost]:
    """The posts the filter lets through."""
    return select(OpinionPost).where(*_conditions(where))


def list_posts(
    work: Work, where: PostFilter, *, before_id: int | None = None, limit: int = 50
) -> PostPage:
    """A page of posts, newest first (by arrival)."""
    work.actor.require("opinion.read")
    query = filtered(where).order_by(OpinionPost.id.desc()).limit(limit + 1)
    if before_id is not None:
        query = query.where(OpinionPost.id < before_id)
    page, cursor = id_page(list(work.session.scalars(query)), limit)
    return PostPage(items=[PostOut.of(p) for p in page], next_cursor=cursor)
