"""Knowledge import and export as JSONL (CONTRACT §2), idempotent by external_id.

One article a line: `{"external_id","category","question","answer","similar_questions"?,
"tags"?}` (plus `valid_from`, `valid_to`, `script` when present). Bad lines are reported
with their number and reason and the good ones kept; `strict` makes any bad line abort the
import with nothing written. With `publish`, new and changed articles go live at once (each
publish is a new version, audited); importing the same file again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import InvalidInput
from closeloop.knowledge import script as scripts
from closeloop.knowledge import versions
from closeloop.knowledge.content import apply_content, content_of
from closeloop.knowledge.models import Article, ArticleVersion
from closeloop.knowledge.schemas import ArticleIn
from closeloop.knowledge.search.live import store_embeddings
from closeloop.knowledge.service import new_article

MAX_REPORTED_ERRORS = 1000
IMPORT_ACTOR = Actor(
    username="kb-import", roles=("system",), permissions=frozenset({"kb.draft", "kb.publish"})
)


@dataclass
class KbImportReport:
    """The summary of a knowledge import."""

    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    published: int = 0
    rejected: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    def reject(self, line: int, reason: str) -> None:
        """Count a bad line (the first MAX_REPORTED_ERRORS are kept with their reason)."""
        self.rejected += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append((line, reason))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready summary."""
        return {
            "kind": "knowledge",
            "read": self.read,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "published": self.published,
            "rejected": self.rejected,
            "errors": [{"line": line, "reason": reason} for line, reason in self.errors],
        }


class StrictImportFailed(InvalidInput):
    """A bad line in --strict mode: nothing was written."""


def _reason(exc: ValidationError | InvalidInput) -> str:
    if isinstance(exc, InvalidInput):
        return exc.detail
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "line"
    return f"{where}: {first['msg']}"


def parse_lines(lines: Iterable[str], report: KbImportReport) -> Iterator[tuple[int, ArticleIn]]:
    """Valid articles with their line numbers; bad lines go to the report."""
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        report.read += 1
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            report.reject(number, f"not JSON: {exc.msg}")
            continue
        if not isinstance(data, dict):
            report.reject(number, "expected a JSON object")
            continue
        if not isinstance(data.get("external_id"), str) or not data["external_id"].strip():
            report.reject(number, "external_id: required")
            continue
        try:
            article = ArticleIn.model_validate(data)
            if article.script is not None:
                scripts.validate(article.script)
        except (ValidationError, InvalidInput) as exc:
            report.reject(number, _reason(exc))
            continue
        assert article.external_id is not None
        if article.external_id in seen:
            report.reject(
                number,
                f"external_id {article.external_id!r} repeats line {seen[article.external_id]}",
            )
            continue
        seen[article.external_id] = number
        yield number, article


def _new_article(data: ArticleIn, actor: Actor, clock: Clock) -> Article:
    assert data.external_id is not None
    return new_article(data, data.external_id, actor, clock.now())


def _counted(lines: Iterable[str], on_line: Callable[[int], None]) -> Iterator[str]:
    """The lines, telling `on_line` each one's size in bytes as it is read."""
    for line in lines:
        on_line(len(line.encode("utf-8")))
        yield line


def import_articles(
    session: Session,
    lines: Iterable[str],
    *,
    actor: Actor = IMPORT_ACTOR,
    publish: bool = False,
    strict: bool = False,
    clock: Clock = system_clock,
    on_line: Callable[[int], None] = lambda _size: None,
) -> KbImportReport:
    """Add or update articles from JSONL lines (in the caller's transaction)."""
    actor.require("kb.draft")
    if publish:
        actor.require("kb.publish")
    report = KbImportReport()
    parsed = [data for _number, data in parse_lines(_counted(lines, on_line), report)]
    if strict and report.rejected:
        line, reason = report.errors[0]
        raise StrictImportFailed(f"line {line}: {reason} (--strict: nothing imported)")
    existing = _existing(session, [data.external_id or "" for data in parsed])
    to_publish: list[Article] = []
    for data in parsed:
        article = existing.get(data.external_id or "")
        if article is None:
            article = _new_article(data, actor, clock)
            session.add(article)
            report.inserted += 1
            to_publish.append(article)
        elif _take_changes(article, data, actor, clock):
            report.updated += 1
            to_publish.append(article)
        else:
            report.unchanged += 1
            if publish and article.status != "published":
                to_publish.append(article)
    session.flush()
    if publish:
        _publish_all(session, actor, to_publish, clock)
        report.published = len(to_publish)
    if report.inserted or report.updated or report.published:
        _audit_import(session, actor, report, clock)
    # else nothing changed: nothing to audit (a second run is silent)
    return report


def _existing(session: Session, external_ids: list[str]) -> dict[str, Article]:
    """The articles already stored under these external ids (looked up 500 at a time)."""
    existing: dict[str, Article] = {}
    for start in range(0, len(external_ids), 500):
        chunk = external_ids[start : start + 500]
        existing.update(
            (a.external_id, a)
            for a in session.scalars(select(Article).where(Article.external_id.in_(chunk)))
        )
    return existing


def _take_changes(article: Article, data: ArticleIn, actor: Actor, clock: Clock) -> bool:
    """Apply the imported content to a stored article (back to draft, next revision);
    whether it differed at all (an unchanged article is left alone)."""
    incoming = {**content_of(article), **data.model_dump(exclude={"external_id"})}
    incoming = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in incoming.items()}
    incoming["similar_questions"] = incoming.get("similar_questions") or []
    incoming["tags"] = incoming.get("tags") or []
    if incoming == content_of(article):
        return False
    apply_content(article, incoming)
    article.status = "draft"
    article.revision += 1
    article.updated_by = actor.username
    article.updated_at = clock.now()
    return True


def _audit_import(session: Session, actor: Actor, report: KbImportReport, clock: Clock) -> None:
    audit.record(
        session,
        actor,
        "kb.import",
        "kb_article",
        "*",
        f"read {report.read}, inserted {report.inserted}, updated {report.updated}, "
        f"published {report.published}, rejected {report.rejected}",
        clock=clock,
    )


def _publish_all(session: Session, actor: Actor, articles: list[Article], clock: Clock) -> None:
    for article in articles:
        previous = article.status
        versions.publish(session, actor, article, note="import", clock=clock)
        article.status = "published"
        audit.record(
            session,
            actor,
            "kb.publish",
            "kb_article",
            article.id,
            f"{article.external_id} {previous} → published v{article.live_version} (import)",
            clock=clock,
        )
    store_embeddings(session, [(a.id, content_of(a)) for a in articles], clock)


def export_lines(session: Session, *, working: bool = False) -> Iterator[str]:
    """JSONL of the live articles (their published content), or of every working copy."""
    if working:
        for article in session.scalars(
            select(Article).order_by(Article.id).execution_options(yield_per=500)
        ):
            item = {"external_id": article.external_id, **content_of(article)}
            item["status"] = article.status
            yield _line(item)
        return
    query = (
        select(Article.external_id, ArticleVersion.content)
        .join(
            ArticleVersion,
            (ArticleVersion.article_id == Article.id)
            & (ArticleVersion.number == Article.live_version),
        )
        .order_by(Article.id)
        .execution_options(yield_per=500)
    )
    for external_id, content in session.execute(query):
        yield _line({"external_id": external_id, **content})


def _line(item: dict[str, Any]) -> str:
    return json.dumps({k: v for k, v in item.items() if v not in (None, [])}, ensure_ascii=False)
