"""The in-memory search index (检索索引) over the live content of published articles.

Signals for each article, fused by `Weights` (tuned on development data, never per query):
- lexical: BM25F over words and telecom concepts (`bm25`), scaled to 0…1 by the best score
  of the query, so 流量/数据 or 停机/停号 match each other and typos are tolerated;
- semantic: the best cosine between the query (blended with its wording in the FAQ's terms,
  `lexicon.canonical`) and the article's question or one of its similar questions (USE
  multilingual, `embedding`);
- topics: how strongly query and article fall on the same telecom topics (`bridge`).
Nothing here touches the database; `live` feeds it and keeps it current.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from closeloop.knowledge.content import day
from closeloop.knowledge.search import lexicon
from closeloop.knowledge.search.bm25 import LexicalIndex, field_terms
from closeloop.knowledge.search.bridge import TopicBridge
from closeloop.knowledge.search.embedding import Embedder, Vectors, single_thread

_FAR_PAST, _FAR_FUTURE = date.min.toordinal(), date.max.toordinal()
EXACT_UP_TO = 2000  # articles scored exactly against every question; beyond, two stages
CANDIDATES = 300
ROUGH_DIMS = 128
TOPIC_FLOOR = 1e-3  # topic weights below this add nothing worth reading 10,000 rows for


@dataclass(frozen=True)
class Weights:
    """How the signals are combined."""

    semantic: float = 1.0
    topics: float = 1.0
    lexical: float = 0.15


@dataclass
class IndexDoc:
    """The live content of one published article, with what the index derives from it."""

    article_id: int
    external_id: str
    category: str
    question: str
    similar: list[str]
    tags: list[str]
    answer: str
    valid_from: date | None = None
    valid_to: date | None = None
    script: dict[str, Any] | None = None
    vectors: Vectors | None = None
    topics: npt.NDArray[np.float32] | None = None
    terms: dict[str, Counter[str]] = field(default_factory=dict)

    @classmethod
    def from_content(cls, article_id: int, external_id: str, content: dict[str, Any]) -> IndexDoc:
        """From a version's content dict."""
        return cls(
            article_id=article_id,
            external_id=external_id,
            category=content["category"],
            question=content["question"],
            similar=list(content.get("similar_questions") or []),
            tags=list(content.get("tags") or []),
            answer=content["answer"],
            valid_from=day(content.get("valid_from")),
            valid_to=day(content.get("valid_to")),
            script=content.get("script"),
        )

    @property
    def questions(self) -> list[str]:
        """The texts embedded for semantic matching: the question and its variants."""
        return [self.question, *self.similar]

    def ensure_terms(self) -> dict[str, Counter[str]]:
        """Segment each field once (kept across incremental rebuilds)."""
        if not self.terms:
            self.terms = field_terms(self.question, self.similar, self.tags, self.answer)
        return self.terms


@dataclass
class Hit:
    """One scored article, with the parts of its score."""

    doc: IndexDoc
    score: float
    semantic: float
    lexical: float
    topics: float


@dataclass
class Result:
    """The ranked hits of a query, and how clearly the best one stands out (for the bot)."""

    hits: list[Hit]
    query_terms: Counter[str]
    semantic_gap: float = 0.0
    topic_gap: float = 0.0
    topic_closeness: float = 0.0
    lexical_gap: float = 0.0
    coverage: float = 0.0
    familiar: float = 0.0


class KnowledgeIndex:
    """Searchable snapshot of the live articles."""

    def __init__(
        self,
        docs: Sequence[IndexDoc],
        embedder: Embedder | None,
        weights: Weights | None = None,
        *,
        bridge: TopicBridge | None = None,
    ) -> None:
        self.docs = list(docs)
        self.embedder = embedder
        # which articles and versions the index holds (set by `live.index_for`; "" when built
        # from content that is not the database's)
        self.key = ""
        self.weights = weights or Weights()
        self.bridge = bridge if embedder is not None else None
        self._masks: dict[str, npt.NDArray[np.bool_]] = {}
        self.by_external_id = {d.external_id: d for d in self.docs}
        self.lexical = LexicalIndex([d.ensure_terms() for d in self.docs])
        self.vocabulary = self.lexical.vocabulary
        self._build_dense()
        self._valid_from = np.array(
            [d.valid_from.toordinal() if d.valid_from else _FAR_PAST for d in self.docs]
        )
        self._valid_to = np.array(
            [d.valid_to.toordinal() if d.valid_to else _FAR_FUTURE for d in self.docs]
        )

    def __len__(self) -> int:
        return len(self.docs)

    def _build_dense(self) -> None:
        self.has_dense = (
            self.embedder is not None
            and bool(self.docs)
            and all(d.vectors is not None and len(d.vectors) for d in self.docs)
        )
        if not self.has_dense:
            return
        rows = [d.vectors for d in self.docs if d.vectors is not None]
        self._sizes = np.array([len(r) for r in rows], dtype=np.int64)
        self._vectors = np.ascontiguousarray(np.vstack(rows), dtype=np.float32)
        self._starts = np.concatenate([[0], np.cumsum(self._sizes)[:-1]]).astype(np.int64)
        if len(self.docs) > EXACT_UP_TO:
            # The first stage compares with each article's centroid in a reduced space (the
            # main directions of the articles' vectors): a quarter of the memory to read.
            centroids = np.add.reduceat(self._vectors, self._starts, axis=0)
            centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-6)
            _u, _s, basis = np.linalg.svd(centroids[:: max(1, len(centroids) // 4000)], False)
            self._basis = np.ascontiguousarray(basis[:ROUGH_DIMS].T, dtype=np.float32)
            self._rough = np.ascontiguousarray(centroids @ self._basis, dtype=np.float32)
        self._topics: npt.NDArray[np.float32] | None = None
        if self.bridge is not None:
            missing = [i for i, d in enumerate(self.docs) if d.topics is None]
            if missing:
                affinity = self.bridge.centroids @ self._vectors.T
                by_doc = np.maximum.reduceat(affinity, self._starts, axis=1)
                # Relative to the article's own best topic: an article written from a shipped
                # topic gets no edge over one that merely resembles it.
                by_doc = by_doc / np.maximum(by_doc.max(axis=0, keepdims=True), 1e-6)
                for i in missing:
                    self.docs[i].topics = np.ascontiguousarray(by_doc[:, i], dtype=np.float32)
            # One row per topic: a query touches only its few heavy topics' rows.
            self._topics = np.ascontiguousarray(
                np.vstack([d.topics for d in self.docs if d.topics is not None]).T
            )

    def allowed(self, today: date, category: str | None) -> npt.NDArray[np.bool_]:
        """Articles valid today and, when asked, within a category (its path or below)."""
        ordinal = today.toordinal()
        mask = (self._valid_from <= ordinal) & (ordinal <= self._valid_to)
        if category:
            mask &= self._category_mask(category.strip("/"))
        return mask

    def _category_mask(self, prefix: str) -> npt.NDArray[np.bool_]:
        cached = self._masks.get(prefix)
        if cached is None:
            cached = np.array(
                [d.category == prefix or d.category.startswith(prefix + "/") for d in self.docs],
                dtype=bool,
            )
            self._masks[prefix] = cached
        return cached

    def _semantic(
        self,
        vector: Vectors,
        query_terms: Counter[str],
        lexical: npt.NDArray[np.float64],
        mask: npt.NDArray[np.bool_],
    ) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], float]:
        """Best cosine with each article's questions (-inf for articles not considered), the
        topic score of each article, and how close the query comes to any known topic.

        Beyond EXACT_UP_TO articles, the cosine with each article's centroid picks the
        CANDIDATES most promising articles first, and only those are scored exactly, so the
        cost stays flat however many similar questions the articles carry."""
        topics, focus = np.zeros(len(self.docs)), 0.0
        if self.bridge is not None and self._topics is not None:
            weights, focus = self.bridge.query_weights(vector, query_terms)
            heavy = np.flatnonzero(weights >= TOPIC_FLOOR)
            topics = (weights[heavy] @ self._topics[heavy]).astype(np.float64)
        if len(self.docs) <= EXACT_UP_TO:
            exact = np.maximum.reduceat(self._vectors @ vector, self._starts)
            return exact.astype(np.float64), topics, focus
        w = self.weights
        rough = w.semantic * (self._rough @ (vector @ self._basis))
        rough += w.topics * topics + w.lexical * lexical
        rough = np.where(mask, rough, -np.inf)
        picked = np.union1d(_top(rough, CANDIDATES), _top(np.where(mask, lexical, -np.inf), 50))
        sizes = self._sizes[picked]
        local = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        rows = np.repeat(self._starts[picked] - local, sizes) + np.arange(int(sizes.sum()))
        semantic = np.full(len(self.docs), -np.inf)
        semantic[picked] = np.maximum.reduceat(self._vectors[rows] @ vector, local)
        return semantic, topics, focus

    def search(
        self, text: str, *, today: date, limit: int = 5, category: str | None = None
    ) -> Result:
        """The best articles for a query, best first (only valid ones, within the category)."""
        query_terms = lexicon.terms(text, known=self.vocabulary)
        if not self.docs or limit <= 0:
            return Result([], query_terms)
        w = self.weights
        raw, lexical = self.lexical.scaled(query_terms)
        mask = self.allowed(today, category)
        focus = 0.0
        if self.has_dense and self.embedder is not None:
            vector = self.query_vector(text)
            with single_thread():
                semantic, topics, focus = self._semantic(vector, query_terms, lexical, mask)
            score = w.semantic * semantic + w.topics * topics + w.lexical * lexical
        else:  # lexical only (no embedding model): articles sharing no term are not results
            semantic = topics = np.zeros(len(self.docs))
            score = np.where(raw > 0, lexical, -np.inf)
        score = np.where(mask, score, -np.inf)
        count = min(limit, int(np.isfinite(score).sum()))
        if count <= 0:
            return Result([], query_terms)
        top = np.argpartition(-score, count - 1)[:count]
        top = top[np.argsort(-score[top], kind="stable")]
        hits = [
            Hit(
                self.docs[i],
                float(score[i]),
                float(semantic[i]),
                float(lexical[i]),
                float(topics[i]),
            )
            for i in top
        ]
        best = int(top[0])
        return Result(
            hits,
            query_terms,
            semantic_gap=_gap(np.where(mask, semantic, -np.inf), best),
            topic_gap=_gap(np.where(mask, topics, -np.inf), best),
            topic_closeness=focus,
            lexical_gap=_gap(np.where(mask, lexical, -np.inf), best),
            coverage=self.coverage(query_terms, self.docs[best]),
            familiar=self.familiar(query_terms),
        )

    def query_vector(self, text: str) -> Vectors:
        """The query's embedding, blended with that of its wording in the FAQ's own terms
        (`lexicon.canonical`) when the customer used a synonym."""
        assert self.embedder is not None
        vector = np.asarray(self.embedder.encode([text])[0], dtype=np.float32)
        said = lexicon.canonical(text)
        if said == lexicon.normalize(text):
            return vector
        both = vector + self.embedder.encode([said])[0]
        return np.asarray(both / max(float(np.linalg.norm(both)), 1e-6), dtype=np.float32)

    def familiar(self, query_terms: Counter[str]) -> float:
        """Share of the query's words (by count) that some article uses at all: a message about
        something else altogether is mostly words the knowledge base never uses."""
        total = sum(query_terms.values())
        known = sum(n for term, n in query_terms.items() if term in self.lexical.postings)
        return known / total if total else 0.0

    def coverage(self, query_terms: Counter[str], doc: IndexDoc) -> float:
        """Share of the query's words and concepts (by rarity) that the article contains."""
        fields = doc.ensure_terms().values()
        total = matched = 0.0
        for term, weight in query_terms.items():
            posting = self.lexical.postings.get(term)
            found = 0 if posting is None else len(posting[0])
            rarity = weight * np.log(1.0 + (len(self.docs) - found + 0.5) / (found + 0.5))
            total += rarity
            matched += rarity if any(term in terms for terms in fields) else 0.0
        return float(matched / total) if total > 0 else 0.0


def _gap(values: npt.NDArray[np.float64], best: int) -> float:
    """How far the best article's value is above every other article's."""
    finite = np.isfinite(values)
    if finite.sum() < 2:
        return 0.0
    others = np.where(finite, values, -np.inf)
    others[best] = -np.inf
    return float(values[best] - others.max())


def _top(values: npt.NDArray[np.float64], count: int) -> npt.NDArray[np.intp]:
    """Positions of the `count` largest finite values (any order)."""
    count = min(count, int(np.isfinite(values).sum()))
    if count <= 0:
        return np.zeros(0, dtype=np.intp)
    return np.argpartition(-values, count - 1)[:count]


def embed_docs(embedder: Embedder, docs: Sequence[IndexDoc]) -> list[Vectors]:
    """Embeddings of the questions of many articles, in one batch."""
    texts = [t for doc in docs for t in doc.questions]
    vectors = embedder.encode(texts, batch=True) if texts else np.zeros((0, embedder.dim))
    out, start = [], 0
    for doc in docs:
        size = len(doc.questions)
        out.append(np.ascontiguousarray(vectors[start : start + size], dtype=np.float32))
        start += size
    return out
