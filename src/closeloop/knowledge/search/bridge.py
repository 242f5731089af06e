"""Topic bridge (话题桥接): what customers mean, learnt from the FAQ that ships with CloseLoop.

Customers often describe a symptom ("在房间里说话对方听不清") rather than name the topic
(室内信号).
The demo knowledge base of CloseLoop holds ~170 telecom topics, each with several ways a
customer says it: the article's question and similar questions, and messages written the way
customers type them (`data/customer_messages.jsonl`: plain, colloquial, and describing the
situation without naming the topic). Both a query and every indexed article are placed among
those topics:
- query → topics: the best cosine between the query and each topic's phrasings, plus a
  little of the BM25 score of the query against each topic's words, turned into weights with
  a sharp softmax (a few topics win);
- article → topics: the best cosine between the article's questions and each topic's centroid.
The bridge score of an article is the weighted sum of its topic affinities. It works for any
imported knowledge base of the same domain, because it only relates texts to shared topics.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from closeloop.knowledge.search.bm25 import LexicalIndex, field_terms
from closeloop.knowledge.search.embedding import Embedder, Vectors, encode_kept

TEMPERATURE = 0.02
LEXICAL = 0.2


@dataclass(frozen=True)
class Topic:
    """One shipped topic: its phrasings and tags."""

    name: str
    phrasings: list[str]
    tags: list[str]


def _jsonl(package: str, name: str) -> list[dict[str, Any]]:
    text = resources.files(package).joinpath("data").joinpath(name).read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def demo_articles() -> list[dict[str, Any]]:
    """The demo FAQ shipped with CloseLoop."""
    return _jsonl("closeloop.demo", "kb_articles.jsonl")


def customer_messages() -> list[dict[str, Any]]:
    """Messages written as customers type them, each with the demo article that answers it
    (`message`, `target`, `difficulty`)."""
    return _jsonl("closeloop.knowledge", "customer_messages.jsonl")


def by_article(messages: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Customer messages grouped by the article that answers them."""
    said: dict[str, list[str]] = {}
    for item in messages:
        said.setdefault(item["target"], []).append(item["message"])
    return said


def corpus() -> list[Topic]:
    """The shipped topics: each demo article's question, similar questions, customer messages
    and tags."""
    said = by_article(customer_messages())
    return [
        Topic(
            item["external_id"],
            [
                item["question"],
                *item.get("similar_questions", []),
                *said.get(item["external_id"], []),
            ],
            list(item.get("tags", [])),
        )
        for item in demo_articles()
    ]


@dataclass
class TopicBridge:
    """Phrasing vectors of the shipped topics and their centroids."""

    phrasings: Vectors
    starts: npt.NDArray[np.int64]
    centroids: Vectors
    lexical: LexicalIndex

    @classmethod
    def build(cls, embedder: Embedder, topics: list[Topic] | None = None) -> TopicBridge:
        """Embed the shipped topics (kept between runs) or the given ones."""
        shipped = topics is None
        topics = corpus() if topics is None else topics
        texts = [t for topic in topics for t in topic.phrasings]
        sizes = [len(topic.phrasings) for topic in topics]
        if shipped:
            vectors = encode_kept(embedder, texts, "topics")
        else:
            vectors = embedder.encode(texts, batch=True)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        centroids = np.add.reduceat(vectors, starts, axis=0)
        centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
        lexical = LexicalIndex(
            [field_terms(t.phrasings[0], t.phrasings[1:], t.tags, "") for t in topics],
            field_weights=(3.0, 3.0, 1.5, 0.0),
        )
        return cls(vectors, starts, centroids.astype(np.float32), lexical)

    @property
    def size(self) -> int:
        """How many topics."""
        return len(self.starts)

    def article_topics(self, question_vectors: Vectors) -> npt.NDArray[np.float32]:
        """How close an article (its question and similar questions) is to each topic."""
        return np.asarray((self.centroids @ question_vectors.T).max(axis=1), dtype=np.float32)

    def query_weights(
        self, query_vector: Vectors, query_terms: Counter[str] | None = None
    ) -> tuple[npt.NDArray[np.float32], float]:
        """Which topics a query is about, as weights summing to one; and how close the query
        comes to any shipped phrasing at all (low for questions outside telecom service)."""
        closeness = np.maximum.reduceat(self.phrasings @ query_vector, self.starts)
        affinity = closeness
        if query_terms:
            affinity = affinity + LEXICAL * self.lexical.scaled(query_terms)[1]
        weights = np.exp((affinity - affinity.max()) / TEMPERATURE)
        return np.asarray(weights / weights.sum(), dtype=np.float32), float(closeness.max())


_built: dict[str, TopicBridge] = {}
_lock = threading.Lock()


def bridge_for(embedder: Embedder) -> TopicBridge:
    """The bridge for an embedder, built once per process (a few seconds on a machine's first
    run, then read from the embedding cache)."""
    with _lock:
        if embedder.name not in _built:
            _built[embedder.name] = TopicBridge.build(embedder)
        return _built[embedder.name]
