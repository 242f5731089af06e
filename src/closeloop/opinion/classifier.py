"""The shipped classifier (舆情分类器): TF-IDF over `features.tokens` and four linear heads.

Only numpy at run time: the artefact holds the vocabulary, the idf weights and one weight
matrix whose columns are the sentiment classes, the complaint score, the category classes and
the urgent score. `closeloop opinion train` (scikit-learn) writes it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from closeloop.opinion.features import tokens
from closeloop.opinion.labels import CATEGORIES, SENTIMENTS, Verdict

MODEL_PATH = Path(__file__).with_name("model") / "opinion-model.npz"
_S = len(SENTIMENTS)
_C = len(CATEGORIES)
# column layout of the weight matrix
COMPLAINT_COL = _S
CATEGORY_COLS = slice(_S + 1, _S + 1 + _C)
URGENT_COL = _S + 1 + _C
WIDTH = URGENT_COL + 1


@dataclass(frozen=True)
class Classifier:
    """Vocabulary, idf, weights, biases and the two decision thresholds (log-odds)."""

    vocabulary: dict[str, int]
    idf: NDArray[np.float64]
    weights: NDArray[np.float64]
    bias: NDArray[np.float64]
    complaint_threshold: float = 0.0
    urgent_threshold: float = 0.0

    def vector(self, text: str) -> tuple[list[int], NDArray[np.float64]]:
        counts = Counter(t for t in tokens(text) if t in self.vocabulary)
        index = [self.vocabulary[t] for t in counts]
        values = np.array([1.0 + math.log(c) for c in counts.values()]) * self.idf[index]
        norm = float(np.sqrt(values @ values)) or 1.0
        return index, values / norm

    def scores(self, text: str) -> NDArray[np.float64]:
        index, values = self.vector(text)
        result: NDArray[np.float64] = values @ self.weights[index] + self.bias
        return result

    def classify(self, text: str) -> Verdict:
        s = self.scores(text)
        sentiment = SENTIMENTS[int(np.argmax(s[:_S]))]
        urgent = bool(s[URGENT_COL] > self.urgent_threshold)
        # praise is never a work order (the dev set's rule); an urgent post always is one
        complaint = urgent or (
            sentiment != "positive" and bool(s[COMPLAINT_COL] > self.complaint_threshold)
        )
        return Verdict(
            sentiment=sentiment,
            complaint=complaint,
            category=CATEGORIES[int(np.argmax(s[CATEGORY_COLS]))],
            urgent=urgent,
        )

    def classify_all(self, texts: Iterable[str]) -> list[Verdict]:
        return [self.classify(t) for t in texts]

    def save(self, path: Path = MODEL_PATH) -> None:
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        np.savez_compressed(
            path,
            vocabulary=np.array(words),
            idf=self.idf.astype(np.float32),
            weights=self.weights.astype(np.float32),
            bias=self.bias,
            thresholds=np.array([self.complaint_threshold, self.urgent_threshold]),
        )


def load(path: Path = MODEL_PATH) -> Classifier:
    """The classifier stored at `path`."""
    with np.load(path, allow_pickle=False) as data:
        words = [str(w) for w in data["vocabulary"]]
        thresholds = data["thresholds"]
        return Classifier(
            vocabulary={w: i for i, w in enumerate(words)},
            idf=data["idf"].astype(np.float64),
            weights=data["weights"].astype(np.float64),
            bias=data["bias"].astype(np.float64),
            complaint_threshold=float(thresholds[0]),
            urgent_threshold=float(thresholds[1]),
        )


@cache
def shipped() -> Classifier:
    """The classifier that ships with the project (loaded once per process)."""
    return load()
