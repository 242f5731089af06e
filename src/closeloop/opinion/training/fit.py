"""Training the classifier (训练) with scikit-learn; the result is a numpy-only `Classifier`."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from closeloop.opinion.classifier import (
    CATEGORY_COLS,
    COMPLAINT_COL,
    URGENT_COL,
    WIDTH,
    Classifier,
)
from closeloop.opinion.features import tokens
from closeloop.opinion.labels import CATEGORIES, SENTIMENTS
from closeloop.opinion.training.example import Example

# urgent posts are rare and missing one costs more than a false alarm: a lower bar (log-odds)
URGENT_THRESHOLD = -1.0
COMPLAINT_THRESHOLD = 0.0


def _head(x: object, y: Sequence[object], c: float, balanced: bool = False) -> LogisticRegression:
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced" if balanced else None)
    model.fit(x, list(y))
    return model


def fit(examples: Sequence[Example], c: float = 8.0, min_df: int = 2) -> Classifier:
    """A classifier trained on `examples`."""
    vectorizer = TfidfVectorizer(
        analyzer=tokens, sublinear_tf=True, min_df=min_df, dtype=np.float64
    )
    x = vectorizer.fit_transform([e.text for e in examples])
    n = x.shape[1]
    weights = np.zeros((n, WIDTH))
    bias = np.zeros(WIDTH)
    sentiment = _head(x, [SENTIMENTS.index(e.sentiment) for e in examples], c)
    weights[:, : len(SENTIMENTS)] = sentiment.coef_.T
    bias[: len(SENTIMENTS)] = sentiment.intercept_
    complaint = _head(x, [e.complaint for e in examples], c)
    weights[:, COMPLAINT_COL] = complaint.coef_[0]
    bias[COMPLAINT_COL] = complaint.intercept_[0]
    category = _head(x, [CATEGORIES.index(e.category) for e in examples], c)
    weights[:, CATEGORY_COLS] = category.coef_.T
    bias[CATEGORY_COLS] = category.intercept_
    urgent = _head(x, [e.urgent for e in examples], c, balanced=True)
    weights[:, URGENT_COL] = urgent.coef_[0]
    bias[URGENT_COL] = urgent.intercept_[0]
    vocabulary = {str(k): int(v) for k, v in vectorizer.vocabulary_.items()}
    return Classifier(
        vocabulary=vocabulary,
        idf=np.asarray(vectorizer.idf_, dtype=np.float64),
        weights=weights,
        bias=bias,
        complaint_threshold=COMPLAINT_THRESHOLD,
        urgent_threshold=URGENT_THRESHOLD,
    )
