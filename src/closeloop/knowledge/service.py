"""Writing, reviewing, publishing and retiring articles (知识维护); usage and feedback."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, NotFound, PreconditionFailed
from closeloop.kit.ids import parse_id
from closeloop.kit.pagination import decode_id_cursor, encode_cursor
from closeloop.knowledge import script as scripts
from closeloop.knowledge import versions, workflow
from closeloop.knowledge.content import content_of, day, is_expired
from closeloop.knowledge.models import Article, ArticleUsage
from closeloop.knowledge.render import markdown_html
from closeloop.knowledge.schemas import ArticleFields, ArticleIn, ArticleOut
from closeloop.knowledge.search.live import store_embeddings

EDIT_PERMISSIONS = ("kb.draft", "kb.approve", "kb.publish")


def sees_drafts(actor: Actor) -> bool:
    """Editors and approvers see working copies; everyone else sees live articles only."""
    return any(actor.can(p) for p in EDIT_PERMISSIONS)


def load_article(session: Session, actor: Actor, article_id: str, *, lock: bool = False) -> Article:
    """An article by id (or external_id) that the actor may see, else 404."""
    actor.require("kb.read")
    query = select(Article)
    number = parse_id(article_id)
    if number is not None:
        query = query.where(Article.id == number)
    else:
        query = query.where(Article.external_id == article_id)
    if lock:
        query = query.with_for_update()
    article = session.scalar(query)
    if article is None or (article.live_version is None and not sees_drafts(actor)):
        raise NotFound(f"no article {article_id!r}")
    return article


def create_article(
    session: Session, actor: Actor, data: ArticleIn, *, clock: Clock = system_clock
) -> Article:
    """A new draft; 409 when the external_id is taken."""
    actor.require("kb.draft")
    external_id = data.external_id or f"kb-{uuid.uuid4().hex[:12]}"
    if session.scalar(select(Article.id).where(Article.external_id == external_id)) is not None:
        raise Conflict(f"an article with external_id {external_id!r} exists")
    if data.script is not None:
        scripts.validate(data.script)
    now = clock.now()
    article = new_article(data, external_id, actor, now)
    session.add(article)
    session.flush()
    audit.record(session, actor, "kb.create", "kb_article", article.id, external_id, clock=clock)
    return article


def update_article(
    session: Session,
    actor: Actor,
    article: Article,
    data: ArticleFields,
    *,
    expected_revision: int | None = None,
    clock: Clock = system_clock,
) -> Article:
    """Change the working copy; it goes back to draft (the live version keeps serving)."""
    actor.require("kb.draft")
    if expected_revision is not None and expected_revision != article.revision:
        raise PreconditionFailed(
            f"the article is at revision {article.revision}, not {expected_revision}"
        )
    changes = data.model_dump(exclude_unset=True)
    if "script" in changes and changes["script"] is not None:
        scripts.validate(changes["script"])
    for name in ("category", "question", "answer"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    valid_from = changes.get("valid_from", article.valid_from)
    valid_to = changes.get("valid_to", article.valid_to)
    if valid_from and valid_to and valid_to < valid_from:
        raise Conflict("valid_to would be before valid_from")
    before = content_of(article)
    for name, value in changes.items():
        setattr(article, name, list(value) if isinstance(value, list) else value)
    if content_of(article) == before:
        return article
    previous = article.status
    article.status = "draft"
    article.revision += 1
    article.updated_by = actor.username
    article.updated_at = clock.now()
    changed = sorted(k for k in changes if before.get(k) != content_of(article).get(k))
    audit.record(
        session,
        actor,
        "kb.update",
        "kb_article",
        article.id,
        f"{article.external_id} r{article.revision} ({previous} → draft): {', '.join(changed)}",
        clock=clock,
    )
    return article


def act(
    session: Session,
    actor: Actor,
    article: Article,
    action: str,
    *,
    note: str = "",
    clock: Clock = system_clock,
) -> Article:
    """Take one workflow step (submit, reject, approve, publish, retire), audited."""
    transition = workflow.check(action, article.status, live=article.live_version is not None)
    actor.require(transition.permission)
    if action == "reject" and not note.strip():
        raise Conflict("say why the article is sent back (note)")
    previous = article.status
    now = clock.now()
    if action == "publish":
        versions.publish(session, actor, article, note=note, clock=clock)
        store_embeddings(session, [(article.id, content_of(article))], clock)
    elif action == "retire":
        article.live_version = None
    if action in ("reject", "approve"):
        article.review_note = note
    article.status = transition.to_status
    article.updated_by = actor.username
    article.updated_at = now
    audit.record(
        session,
        actor,
        f"kb.{action}",
        "kb_article",
        article.id,
        f"{article.external_id} {previous} → {article.status}"
        + (f" v{article.live_version}" if action == "publish" else "")
        + (f": {note}" if note else ""),
        clock=clock,
    )
    return article


def list_articles(
    session: Session,
    actor: Actor,
    *,
    status: str | None = None,
    category: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> tuple[list[Article], str | None]:
    """Articles by id; readers see live ones only."""
    actor.require("kb.read")
    query = select(Article).order_by(Article.id).limit(limit + 1)
    if not sees_drafts(actor):
        query = query.where(Article.live_version.is_not(None))
    if status:
        query = query.where(Article.status == status)
    if category:
        query = query.where(
            (Article.category == category) | Article.category.startswith(category + "/")
        )
    after = decode_id_cursor(cursor)
    if after is not None:
        query = query.where(Article.id > after)
    rows = list(session.scalars(query))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, encode_cursor([rows[-1].id]) if more and rows else None


def usage_of(article: Article) -> dict[str, int]:
    """The usage counters of an article."""
    return {
        "shown": article.shown_count,
        "used": article.used_count,
        "helpful_agent": article.helpful_agent,
        "not_helpful_agent": article.not_helpful_agent,
        "helpful_bot": article.helpful_bot,
        "not_helpful_bot": article.not_helpful_bot,
    }


def article_out(session: Session, article: Article, actor: Actor, today: date) -> ArticleOut:
    """The article as this actor sees it: readers get the live copy, editors the working copy."""
    content = content_of(article)
    if not sees_drafts(actor) and article.live_version is not None:
        live = versions.content_of_version(session, article.id, article.live_version)
        content = live if live is not None else content
    script = content.get("script")
    return ArticleOut(
        id=str(article.id),
        external_id=article.external_id,
        status=article.status,
        revision=article.revision,
        live_version=article.live_version,
        category=content["category"],
        question=content["question"],
        answer=content["answer"],
        answer_html=markdown_html(content["answer"]),
        similar_questions=list(content.get("similar_questions") or []),
        tags=list(content.get("tags") or []),
        valid_from=day(content.get("valid_from")),
        valid_to=day(content.get("valid_to")),
        expired=is_expired(content, today),
        script=script,
        script_outline=scripts.outline(script) if script else [],
        allowed_actions=workflow.allowed_actions(
            article.status, live=article.live_version is not None
        )
        if sees_drafts(actor)
        else [],
        review_note=article.review_note,
        usage=usage_of(article),
        created_by=article.created_by,
        updated_by=article.updated_by,
        created_at=article.created_at,
        updated_at=article.updated_at,
    )


COUNTERS = {
    "shown": "shown_count",
    "used": "used_count",
    "helpful_agent": "helpful_agent",
    "not_helpful_agent": "not_helpful_agent",
    "helpful_bot": "helpful_bot",
    "not_helpful_bot": "not_helpful_bot",
}


def count_usage(
    session: Session,
    article_ids: list[int],
    kind: str,
    actor: str,
    now: datetime,
    *,
    ticket_id: int | None = None,
    comment: str = "",
) -> None:
    """Add one usage event per article and bump its counter (one statement per table)."""
    if not article_ids:
        return
    column = getattr(Article, COUNTERS[kind])
    session.execute(update(Article).where(Article.id.in_(article_ids)).values({column: column + 1}))
    session.add_all(
        ArticleUsage(
            article_id=i, kind=kind, ticket_id=ticket_id, actor=actor, comment=comment, at=now
        )
        for i in article_ids
    )


def new_article(data: ArticleIn, external_id: str, actor: Actor, now: datetime) -> Article:
    """A draft article at revision 1 with no usage yet (not added to the session)."""
    return Article(
        external_id=external_id,
        status="draft",
        revision=1,
        category=data.category,
        question=data.question,
        answer=data.answer,
        similar_questions=data.similar_questions or [],
        tags=data.tags or [],
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        script=data.script,
        live_version=None,
        review_note="",
        created_by=actor.username,
        updated_by=actor.username,
        created_at=now,
        updated_at=now,
        shown_count=0,
        used_count=0,
        helpful_agent=0,
        not_helpful_agent=0,
        helpful_bot=0,
        not_helpful_bot=0,
    )
