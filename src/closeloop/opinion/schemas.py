"""What the opinion API and files take and give (JSON shapes)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from closeloop.kit.timefmt import IsoInstant, Timestamp
from closeloop.opinion.models import OpinionPost


class PostIn(BaseModel):
    """A post from a crawler: `{"id","text","source","author","posted_at","url"?}`."""

    model_config = ConfigDict(str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=128)
    text: str = Field(min_length=1, max_length=5000)
    source: str = Field(min_length=1, max_length=64)
    author: str = Field(min_length=1, max_length=128)
    posted_at: IsoInstant
    url: str | None = Field(default=None, max_length=1000)
    region: str | None = Field(default=None, max_length=64)


class ReplyIn(BaseModel):
    """The public reply given to a post."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    text: str = Field(min_length=1, max_length=2000)


class PostOut(BaseModel):
    id: str
    text: str
    source: str
    author: str
    url: str | None
    region: str | None
    posted_at: Timestamp
    received_at: Timestamp
    sentiment: str
    complaint: bool
    category: str
    urgent: bool
    matched_terms: list[str]
    ticket_id: str | None
    reply_text: str | None
    replied_at: Timestamp | None
    replied_by: str | None

    @classmethod
    def of(cls, post: OpinionPost) -> PostOut:
        return cls(
            id=post.external_id,
            text=post.text,
            source=post.source,
            author=post.author,
            url=post.url,
            region=post.region,
            posted_at=post.posted_at,
            received_at=post.received_at,
            sentiment=post.sentiment,
            complaint=post.complaint,
            category=post.category,
            urgent=post.urgent,
            matched_terms=[t for t in post.matched.split("|") if t],
            ticket_id=str(post.ticket_id) if post.ticket_id is not None else None,
            reply_text=post.reply_text,
            replied_at=post.replied_at,
            replied_by=post.replied_by,
        )


class PostPage(BaseModel):
    items: list[PostOut]
    next_cursor: str | None


class IngestOut(BaseModel):
    """What happened to one posted post: `stored`, `duplicate` or `ignored` (no watch term)."""

    id: str
    status: str
    post: PostOut | None = None


def aware(value: datetime) -> bool:
    return value.tzinfo is not None and value.utcoffset() is not None
