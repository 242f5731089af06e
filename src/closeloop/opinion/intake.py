"""Taking in a post (受理舆情): once per id, only when a watch term matches; classified, then
followed up (ticket, supervisors' alert). Never commits: the caller's unit of work does."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.errors import InvalidInput
from closeloop.opinion.classifier import Classifier, shipped
from closeloop.opinion.followup import DESK, alert_supervisors, open_ticket
from closeloop.opinion.models import OpinionPost, WatchRule
from closeloop.opinion.people import known_customer_id
from closeloop.opinion.schemas import PostIn, aware
from closeloop.opinion.watch import Watch
from closeloop.runtime.work import Work

STORED, DUPLICATE, IGNORED = "stored", "duplicate", "ignored"


@dataclass(frozen=True)
class Taken:
    """What became of a post: its status and, unless ignored, the stored post."""

    status: str
    post: OpinionPost | None


def watch_in_force(session: Session) -> Watch:
    rules = session.execute(
        select(WatchRule.kind, WatchRule.term).where(WatchRule.active.is_(True))
    )
    return Watch.of((str(k), str(t)) for k, t in rules)


def take_post(
    work: Work, data: PostIn, *, watch: Watch | None = None, model: Classifier | None = None
) -> Taken:
    """Store, classify and follow up one post; a post seen before is left as it is."""
    session = work.session
    if not aware(data.posted_at):
        raise InvalidInput.field("posted_at", "needs an offset, e.g. 2026-12-07T10:00:00+08:00")
    earlier = session.scalar(select(OpinionPost).where(OpinionPost.external_id == data.id))
    if earlier is not None:
        return Taken(DUPLICATE, earlier)
    watch = watch or watch_in_force(session)
    matched = watch.matches(data.text)
    if watch.keep and not matched:
        return Taken(IGNORED, None)
    verdict = (model or shipped()).classify(data.text)
    post = OpinionPost(
        external_id=data.id, text=data.text, source=data.source, author=data.author,
        url=data.url, region=data.region, posted_at=data.posted_at, received_at=work.now(),
        sentiment=verdict.sentiment, complaint=verdict.complaint, category=verdict.category,
        urgent=verdict.urgent, matched="|".join(matched)[:500],
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(post)
            session.flush()
    except IntegrityError:  # the same id taken at the same moment by another request
        again = session.scalar(select(OpinionPost).where(OpinionPost.external_id == data.id))
        return Taken(DUPLICATE, again)
    post.customer_id = known_customer_id(session, DESK, post)
    if verdict.complaint or verdict.urgent:
        post.ticket_id = open_ticket(work, post)
    if verdict.urgent:
        alert_supervisors(work, post)
    audit.record(
        session, work.actor, "opinion.take", "opinion_post", post.id,
        f"{data.id} {verdict.sentiment} complaint={verdict.complaint} urgent={verdict.urgent}"
        f" ticket={post.ticket_id} customer={post.customer_id}", clock=work.clock,
    )  # fmt: skip
    return Taken(STORED, post)
