"""Published versions of an article (版本管理): snapshots, history, differences, rollback."""

from __future__ import annotations

import difflib
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import NotFound
from closeloop.knowledge.content import apply_content, content_of
from closeloop.knowledge.models import Article, ArticleVersion
from closeloop.knowledge.schemas import DiffOut, FieldDiff
from closeloop.knowledge.search.live import store_embeddings


def publish(
    session: Session, actor: Actor, article: Article, *, note: str = "", clock: Clock = system_clock
) -> ArticleVersion:
    """Freeze the working copy as the next version and make it the live one."""
    last = session.scalar(
        select(func.max(ArticleVersion.number)).where(ArticleVersion.article_id == article.id)
    )
    version = ArticleVersion(
        article_id=article.id,
        number=(last or 0) + 1,
        content=content_of(article),
        published_by=actor.username,
        published_at=clock.now(),
        note=note,
    )
    session.add(version)
    session.flush()
    article.live_version = version.number
    return version


def history(session: Session, article_id: int) -> list[ArticleVersion]:
    """Every published version, newest first."""
    return list(
        session.scalars(
            select(ArticleVersion)
            .where(ArticleVersion.article_id == article_id)
            .order_by(ArticleVersion.number.desc())
        )
    )


def get_version(session: Session, article_id: int, number: int) -> ArticleVersion:
    """One version, or 404."""
    found = session.scalar(
        select(ArticleVersion).where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
    )
    if found is None:
        raise NotFound(f"the article has no version {number}")
    return found


def content_of_version(session: Session, article_id: int, number: int) -> dict[str, Any] | None:
    """The content of one version, or None."""
    return session.scalar(
        select(ArticleVersion.content).where(
            ArticleVersion.article_id == article_id, ArticleVersion.number == number
        )
    )


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.splitlines()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True).splitlines()


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[FieldDiff]:
    """Field by field, what changed (with unified diff lines)."""
    changes = []
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        diff = difflib.unified_diff(_lines(old), _lines(new), lineterm="", n=1)
        changes.append(FieldDiff(field=name, before=old, after=new, diff=list(diff)[2:]))
    return changes


def changes_per_version(
    session: Session, article: Article
) -> tuple[list[tuple[ArticleVersion, list[FieldDiff]]], list[FieldDiff]]:
    """Every published version (newest first) with what it changed from the one before, and
    what the working copy changes from the live version (nothing when none is live)."""
    published = history(session, article.id)
    older: list[ArticleVersion | None] = [*published[1:], None]  # each version's predecessor
    changed = [
        (version, compare(before.content, version.content) if before else [])
        for version, before in zip(published, older[: len(published)], strict=True)
    ]
    live = next((v for v in published if v.number == article.live_version), None)
    pending = compare(live.content, content_of(article)) if live else []
    return changed, pending


def diff(session: Session, article: Article, from_number: int, to_number: int | None) -> DiffOut:
    """Differences from one version to another, or to the working copy when `to` is None."""
    before = get_version(session, article.id, from_number).content
    label: int | str = "working" if to_number is None else to_number
    if to_number is None:
        after = content_of(article)
    else:
        after = get_version(session, article.id, to_number).content
    return DiffOut(from_version=from_number, to_version=label, changes=compare(before, after))


def rollback(
    session: Session,
    actor: Actor,
    article: Article,
    number: int,
    *,
    note: str = "",
    clock: Clock = system_clock,
) -> ArticleVersion:
    """Publish the content of an earlier version again, as a new version (audited)."""
    actor.require("kb.publish")
    old = get_version(session, article.id, number)
    apply_content(article, old.content)
    previous = article.status
    version = publish(
        session, actor, article, note=note or f"rollback to version {number}", clock=clock
    )
    store_embeddings(session, [(article.id, old.content)], clock)
    article.status = "published"
    article.revision += 1
    article.updated_by = actor.username
    article.updated_at = clock.now()
    audit.record(
        session,
        actor,
        "kb.rollback",
        "kb_article",
        article.id,
        f"{article.external_id} {previous} → published v{version.number} (content of v{number})",
        clock=clock,
    )
    return version
