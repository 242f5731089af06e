"""The public reply to a post (公开回复) and when it was given."""

from __future__ import annotations

from sqlalchemy import select

from closeloop.auth import audit
from closeloop.kit.errors import Conflict, NotFound
from closeloop.opinion.models import OpinionPost
from closeloop.runtime.work import Work


def find_post(work: Work, external_id: str) -> OpinionPost:
    post = work.session.scalar(select(OpinionPost).where(OpinionPost.external_id == external_id))
    if post is None:
        raise NotFound(f"no post {external_id!r}")
    return post


def record_reply(work: Work, external_id: str, text: str) -> OpinionPost:
    """Record the public reply given to a post, once; the time is the clock's."""
    work.actor.require("opinion.reply")
    post = find_post(work, external_id)
    if post.replied_at is not None:
        raise Conflict(f"post {external_id!r} was already answered")
    post.reply_text = text
    post.replied_at = work.now()
    post.replied_by = work.actor.username
    audit.record(
        work.session, work.actor, "opinion.reply", "opinion_post", post.id, text[:120],
        clock=work.clock,
    )  # fmt: skip
    return post
