"""Keeping the search index current with the database, and searching it (知识检索).

One index per database per process. Before each search a single cheap query compares the
live articles' stamp (count, last change, sum of live versions) with the index's; when they
differ, only the articles whose live version changed are read again and the index is rebuilt
from cached parts, so a publish or retire shows in the very next search of every process.
Embeddings are computed when an article is published and kept in `kb_embeddings`, so a
restart reads them back instead of running the model over every article again.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.db.engine import Database
from closeloop.kit.clock import Clock
from closeloop.knowledge.models import Article, ArticleEmbedding, ArticleVersion
from closeloop.knowledge.search.bridge import bridge_for
from closeloop.knowledge.search.embedding import Embedder, default_embedder, from_bytes, to_bytes
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex, Result, embed_docs

log = logging.getLogger(__name__)
Stamp = tuple[int, Any, int]


def fingerprint(embedder: Embedder, doc: IndexDoc) -> str:
    """Identifies the model and the texts an embedding was made from."""
    text = "\n".join([embedder.name, *doc.questions])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def store_embeddings(
    session: Session, items: Sequence[tuple[int, dict[str, Any]]], clock: Clock
) -> int:
    """Embed the questions of published content now (batch) and cache them; how many."""
    embedder = default_embedder()
    if embedder is None or not items:
        return 0
    docs = [IndexDoc.from_content(article_id, "", content) for article_id, content in items]
    cached = {
        row.article_id: row
        for row in session.scalars(
            select(ArticleEmbedding).where(
                ArticleEmbedding.article_id.in_([d.article_id for d in docs])
            )
        )
    }
    stale = [
        d
        for d in docs
        if getattr(cached.get(d.article_id), "fingerprint", None) != fingerprint(embedder, d)
    ]
    now = clock.now()
    for doc, vectors in zip(stale, embed_docs(embedder, stale), strict=True):
        row = cached.get(doc.article_id) or ArticleEmbedding(article_id=doc.article_id)
        row.fingerprint = fingerprint(embedder, doc)
        row.views = len(vectors)
        row.vectors = to_bytes(vectors)
        row.updated_at = now
        session.add(row)
    return len(stale)


@dataclass
class _Holder:
    index: KnowledgeIndex | None = None
    stamp: Stamp | None = None
    versions: dict[int, int] | None = None
    docs: dict[int, IndexDoc] | None = None


_holders: weakref.WeakKeyDictionary[Database, _Holder] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def _stamp(session: Session) -> Stamp:
    count, last, versions = session.execute(
        select(func.count(), func.max(Article.updated_at), func.sum(Article.live_version)).where(
            Article.live_version.is_not(None)
        )
    ).one()
    return int(count), last, int(versions or 0)


def _load_docs(
    session: Session, embedder: Embedder | None, wanted: list[tuple[int, str, int]]
) -> list[IndexDoc]:
    """Read the live content and cached embeddings of some articles."""
    docs: list[IndexDoc] = []
    for chunk_start in range(0, len(wanted), 500):
        chunk = wanted[chunk_start : chunk_start + 500]
        keys = {(article_id, version) for article_id, _e, version in chunk}
        contents = {
            row.article_id: row.content
            for row in session.scalars(
                select(ArticleVersion).where(ArticleVersion.article_id.in_([k[0] for k in keys]))
            )
            if (row.article_id, row.number) in keys
        }
        cached = {
            row.article_id: row
            for row in session.scalars(
                select(ArticleEmbedding).where(
                    ArticleEmbedding.article_id.in_([k[0] for k in keys])
                )
            )
        }
        for article_id, external_id, _version in chunk:
            content = contents.get(article_id)
            if content is None:
                continue
            doc = IndexDoc.from_content(article_id, external_id, content)
            row = cached.get(article_id)
            if embedder and row is not None and row.fingerprint == fingerprint(embedder, doc):
                doc.vectors = from_bytes(row.vectors, row.views, embedder.dim)
            docs.append(doc)
    missing = [d for d in docs if d.vectors is None]
    if embedder is not None and missing:
        log.info("embedding %d articles missing from the cache", len(missing))
        for doc, vectors in zip(missing, embed_docs(embedder, missing), strict=True):
            doc.vectors = vectors
    return docs


def index_for(database: Database, session: Session) -> KnowledgeIndex:
    """The current index of a database's live articles (refreshed when they changed)."""
    stamp = _stamp(session)
    with _lock:
        holder = _holders.setdefault(database, _Holder())
    if holder.index is not None and holder.stamp == stamp:
        return holder.index
    with _lock:
        if holder.index is not None and holder.stamp == stamp:
            return holder.index
        embedder = default_embedder()
        live: list[tuple[int, str, int]] = [
            (i, e, v or 0)
            for i, e, v in session.execute(
                select(Article.id, Article.external_id, Article.live_version).where(
                    Article.live_version.is_not(None)
                )
            )
        ]
        known, docs = holder.versions or {}, holder.docs or {}
        changed = [(i, e, v) for i, e, v in live if known.get(i) != v or i not in docs]
        fresh = {d.article_id: d for d in _load_docs(session, embedder, changed)}
        kept = {i: docs[i] for i, _e, v in live if known.get(i) == v and i in docs}
        all_docs = {**kept, **fresh}
        ordered = [all_docs[i] for i, _e, _v in live if i in all_docs]
        bridge = bridge_for(embedder) if embedder is not None else None
        holder.index = KnowledgeIndex(ordered, embedder, bridge=bridge)
        holder.index.key = content_key(embedder, live)
        holder.docs = all_docs
        holder.versions = {i: v for i, _e, v in live}
        holder.stamp = stamp
        return holder.index


def content_key(embedder: Embedder | None, live: Sequence[tuple[int, str, int]]) -> str:
    """Names a set of live articles and versions as searched with one model."""
    versions = (f"{i}:{v}" for i, _e, v in sorted(live))
    text = ";".join([embedder.name if embedder else "-", *versions])
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def forget(database: Database) -> None:
    """Drop a database's index (tests, after bulk changes made behind the service's back)."""
    with _lock:
        _holders.pop(database, None)


def search(
    database: Database,
    session: Session,
    text: str,
    *,
    today: date,
    limit: int = 5,
    category: str | None = None,
) -> tuple[Result, float]:
    """The best published, valid articles for a text, and the milliseconds it took."""
    started = time.perf_counter()
    index = index_for(database, session)
    result = index.search(text, today=today, limit=limit, category=category)
    return result, (time.perf_counter() - started) * 1000.0
