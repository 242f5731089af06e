"""Opinion endpoints (CONTRACT §13): the crawler's webhook, the posts, the report, the public
reply and the watch rules. Thin handlers over the opinion services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Response
from pydantic import BaseModel, Field

from closeloop.auth.deps import work_requiring
from closeloop.http.params import Cursor
from closeloop.kit.errors import InvalidInput
from closeloop.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT, decode_id_cursor
from closeloop.opinion import queries, replies, report, watch_rules
from closeloop.opinion.intake import DUPLICATE, IGNORED, take_post
from closeloop.opinion.labels import SENTIMENTS
from closeloop.opinion.models import WatchRule
from closeloop.opinion.schemas import IngestOut, PostIn, PostOut, PostPage, ReplyIn
from closeloop.opinion.window import bound
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1/opinion", tags=["opinion"])

Crawler = Annotated[Work, Depends(work_requiring("opinion.ingest"))]
Reader = Annotated[Work, Depends(work_requiring("opinion.read"))]
Replier = Annotated[Work, Depends(work_requiring("opinion.reply"))]
Watcher = Annotated[Work, Depends(work_requiring("opinion.watch"))]
Sentiment = Literal["negative", "neutral", "positive"]
_STATUS = {DUPLICATE: 200, IGNORED: 202}


@router.post(
    "/posts",
    status_code=201,
    responses={
        200: {"model": IngestOut, "description": "seen before: the stored post"},
        202: {"model": IngestOut, "description": "no watch term matches: nothing kept"},
    },
)
def post_post(body: PostIn, work: Crawler, response: Response) -> IngestOut:
    """A crawler's post: stored once per id (201; 200 when seen before, with the stored post;
    202 when no watch term matches and nothing is kept), classified and followed up."""
    taken = take_post(work, body)
    response.status_code = _STATUS.get(taken.status, 201)
    post = PostOut.of(taken.post) if taken.post is not None else None
    return IngestOut(id=body.id, status=taken.status, post=post)


@dataclass(frozen=True)
class PostQuery:
    """The list's filters as the query string gives them."""

    sentiment: str | None = None
    complaint: bool | None = None
    urgent: bool | None = None
    category: str | None = None
    q: str | None = None
    from_: str | None = None
    to: str | None = None

    def where(self, work: Work) -> queries.PostFilter:
        return queries.PostFilter(
            sentiment=self.sentiment, complaint=self.complaint, urgent=self.urgent,
            category=self.category, q=self.q,
            since=bound(self.from_, "from", work.tz, end=False),
            until=bound(self.to, "to", work.tz, end=True),
        )  # fmt: skip


_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def _flag(value: str | None, name: str) -> bool | None:
    """An optional yes/no query parameter; empty means not given."""
    if value is None or value == "":
        return None
    if value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise InvalidInput.field(["query", name], "true or false")


def post_query(
    sentiment: Annotated[str | None, Query(description="negative, neutral or positive")] = None,
    complaint: Annotated[str | None, Query(description="true or false")] = None,
    urgent: Annotated[str | None, Query(description="true or false")] = None,
    category: str | None = None,
    q: str | None = None,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
) -> PostQuery:
    """The filters; empty values (`?sentiment=&complaint=`) mean "any"."""
    if sentiment and sentiment not in SENTIMENTS:
        raise InvalidInput.field(["query", "sentiment"], "negative, neutral or positive")
    return PostQuery(
        sentiment or None, _flag(complaint, "complaint"), _flag(urgent, "urgent"),
        category or None, q or None, from_, to,
    )  # fmt: skip


@router.get("/posts")
def list_posts(
    work: Reader,
    query: Annotated[PostQuery, Depends(post_query)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> PostPage:
    """Posts, newest first; `from`/`to` are dates (whole days, operator's zone) or instants."""
    return queries.list_posts(
        work, query.where(work), before_id=decode_id_cursor(cursor), limit=limit
    )


@router.get("/posts/{post_id}")
def get_post(post_id: str, work: Reader) -> PostOut:
    return PostOut.of(replies.find_post(work, post_id))


@router.post("/posts/{post_id}/reply")
def reply(post_id: str, body: ReplyIn, work: Replier) -> PostOut:
    """Record the public reply given to the post (its time is now)."""
    return PostOut.of(replies.record_reply(work, post_id, body.text))


@router.get("/report")
def get_report(
    work: Reader,
    from_: Annotated[str | None, Query(alias="from")] = None,
    to: str | None = None,
    by: Literal["day", "week", "month"] = "day",
) -> dict[str, object]:
    """Sentiment trend by day, week or month; top categories and terms; response times."""
    since = bound(from_, "from", work.tz, end=False)
    until = bound(to, "to", work.tz, end=True)
    return report.build_report(work, since, until, by)


class WatchRuleIn(BaseModel):
    kind: Literal["brand", "product", "hotline", "exclude"]
    term: str = Field(min_length=1, max_length=64)


class WatchRuleOut(BaseModel):
    id: str
    kind: str
    term: str
    active: bool

    @classmethod
    def of(cls, rule: WatchRule) -> WatchRuleOut:
        return cls(id=str(rule.id), kind=rule.kind, term=rule.term, active=rule.active)


@router.get("/watch-rules")
def list_watch_rules(work: Reader) -> list[WatchRuleOut]:
    return [WatchRuleOut.of(r) for r in watch_rules.list_rules(work)]


@router.post("/watch-rules", status_code=201)
def add_watch_rule(body: WatchRuleIn, work: Watcher) -> WatchRuleOut:
    return WatchRuleOut.of(watch_rules.add_rule(work, body.kind, body.term))


@router.post("/watch-rules/{rule_id}/retire")
def retire_watch_rule(rule_id: int, work: Watcher) -> WatchRuleOut:
    return WatchRuleOut.of(watch_rules.retire_rule(work, rule_id))
