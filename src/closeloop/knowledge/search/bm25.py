"""BM25F over fields (question, similar questions, tags, answer) with per-field weights.

Each term's impact on each document is computed once at build time (field-weighted,
length-normalised term frequency, saturated by k1 and multiplied by the term's IDF), so a
query only adds a few precomputed arrays: well under a millisecond for 10,000 articles.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from closeloop.knowledge.search import lexicon

FIELDS = ("question", "similar", "tags", "answer")
Scores = npt.NDArray[np.float64]


class LexicalIndex:
    """Precomputed BM25F impacts: term → (document numbers, impacts)."""

    def __init__(
        self,
        docs: Sequence[dict[str, Counter[str]]],
        *,
        field_weights: Sequence[float] = (3.0, 2.0, 1.5, 1.0),
        length_norm: Sequence[float] = (0.5, 0.75, 0.3, 0.75),
        k1: float = 1.2,
    ) -> None:
        self.size = n = len(docs)
        weights, b = np.array(field_weights), np.array(length_norm)
        lengths = np.array(
            [[sum(doc[f].values()) for f in FIELDS] for doc in docs], dtype=np.float64
        ).reshape(n, len(FIELDS))
        average = np.maximum(lengths.mean(axis=0), 1.0) if n else np.ones(len(FIELDS))
        scale = weights / (1.0 - b + b * lengths / average)
        weighted: dict[str, dict[int, float]] = {}
        for i, doc in enumerate(docs):
            for f, name in enumerate(FIELDS):
                if not weights[f]:
                    continue
                for term, tf in doc[name].items():
                    slot = weighted.setdefault(term, {})
                    slot[i] = slot.get(i, 0.0) + tf * scale[i, f]
        self.postings: dict[str, tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]] = {}
        for term, by_doc in weighted.items():
            ids = np.fromiter(by_doc.keys(), dtype=np.int32, count=len(by_doc))
            freq = np.fromiter(by_doc.values(), dtype=np.float64, count=len(by_doc))
            idf = math.log(1.0 + (n - len(by_doc) + 0.5) / (len(by_doc) + 0.5))
            impact = np.asarray(idf * freq * (k1 + 1.0) / (freq + k1), dtype=np.float32)
            self.postings[term] = (ids, impact)
        self.vocabulary = frozenset(t for t in self.postings if not t.startswith(lexicon.CONCEPT))

    def scores(self, query_terms: Counter[str]) -> Scores:
        """BM25F score of every document."""
        scores = np.zeros(self.size, dtype=np.float64)
        for term, weight in query_terms.items():
            posting = self.postings.get(term)
            if posting is not None:
                scores[posting[0]] += weight * posting[1]
        return scores

    def scaled(self, query_terms: Counter[str]) -> tuple[Scores, Scores]:
        """Raw scores, and scores divided by the best one (0 … 1)."""
        raw = self.scores(query_terms)
        top = float(raw.max()) if self.size else 0.0
        return raw, (raw / top if top > 0 else raw)


def field_terms(
    question: str, similar: Sequence[str], tags: Sequence[str], answer: str
) -> dict[str, Counter[str]]:
    """The search terms of each field of an article."""
    return {
        "question": lexicon.terms(question),
        "similar": lexicon.terms("\n".join(similar)),
        "tags": lexicon.terms(" ".join(tags)),
        "answer": lexicon.terms(answer),
    }
