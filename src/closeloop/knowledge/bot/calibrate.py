"""Fitting the bot's confidence (置信度校准) on questions about the shipped demo FAQ.

    .venv/bin/python -m closeloop.knowledge.bot.calibrate [--write]

No evaluation set and no real customer data is used. The demo articles' similar questions
and the customer messages written for them (`data/customer_messages.jsonl`) are split into
folds; each fold's questions are asked of an index and a topic bridge built without them.
Per fold a quarter of the articles is also left out of a second index, so their questions
show what an unanswerable telecom question looks like, and the out-of-scope messages of
`data/out_of_scope.txt` are asked of both indexes. Two logistic models are fitted on the
ranking features of `bot.features` and their pairwise products: "the best article is
right" and "the right article is among the options a clarifying question would offer"
(`bot.menu`, up to three). The thresholds are set on out-of-fold predictions for the customer
messages (similar questions are easier than what customers type) so that few get a wrong
article and few out-of-scope messages get any; the level of confidence on the out-of-scope
messages (`bot.level_of`) is kept as the reference a FAQ's own level is compared with
(`bot.limits`, moved by SHIFT of the difference). A third model, "the FAQ answers this
message at all" (`scope.in_scope`), is fitted on the customer messages against the out-of-scope
messages and the messages whose article was left out, over features relative to each index's
level; its threshold is the lowest (in steps of 0.05 from 0.5) at which, out of fold, the
clarifying questions it adds keep the out-of-scope messages clarified within
CLARIFY_OUT_OF_SCOPE. `--write` stores weights, thresholds, reference and feature ranges in
`knowledge/data/bot_confidence.txt`, the file `decisions.calibration` reads.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from importlib import resources
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot import scope
from closeloop.knowledge.bot.evidence import evidence
from closeloop.knowledge.bot.strangers import out_of_scope
from closeloop.knowledge.search.bridge import (
    Topic,
    TopicBridge,
    bridge_for,
    by_article,
    customer_messages,
    demo_articles,
)
from closeloop.knowledge.search.embedding import Embedder, UniversalSentenceEncoder, Vectors
from closeloop.knowledge.search.index import IndexDoc, KnowledgeIndex, embed_docs

FOLDS = 3
LEFT_OUT = 4  # one article in this many is left out of the second index of a fold
NO_TOPIC = 7  # one article in this many has no topic in the bridge of a fold
RICHNESS = (None, 0)  # similar questions kept per article in a fold's indexes (None: all)
TODAY = date(2026, 1, 1)
FEATURES = (
    "score",
    "margin",
    "semantic",
    "semantic_gap",
    "topic_gap",
    "topic_closeness",
    "lexical",
    "lexical_gap",
    "coverage",
    "familiar",
    "phrasings",
)
EITHER_FEATURES = (
    *FEATURES,
    "second_score",
    "second_semantic",
    "second_margin",
    "third_margin",
    "same_category",
)


def with_products(names: Sequence[str]) -> tuple[str, ...]:
    """The features and all their pairwise products (squares included): the models are
    linear in these, so that one feature can matter more when another is high."""
    return (*names, *(f"{a}*{b}" for i, a in enumerate(names) for b in names[i:]))


ANSWER_TERMS = with_products(FEATURES)
EITHER_TERMS = with_products(EITHER_FEATURES)
# The product's own promises (issue #4): at most 5 % of answerable customer messages answered
# wrongly, at least 90 % of out-of-scope messages handed over. The out-of-scope list holds many
# messages made to sound like the FAQ (telecom words, another request), so 8 % of it answered
# keeps a margin below the promised 10 %.
WRONG_BUDGET = 0.05  # answered with the wrong article, share of the answerable questions
ANSWER_PRECISION = 0.80  # of the answerable questions answered, this share right at least
OUT_OF_SCOPE_BUDGET = 0.08  # answered although outside the FAQ, share of such messages
UNANSWERABLE_BUDGET = 0.30  # answered although its article is left out
CLARIFY_PRECISION = 0.70  # a clarifying question should offer the right article this often
CLARIFY_OUT_OF_SCOPE = 0.02  # clarified although outside the FAQ, share of such messages
# The level of confidence on out-of-scope messages is taken at this quantile; a FAQ's
# thresholds move by this part of its difference from the calibration's level. Chosen on
# faq-b (benchmarks/data, with and without its similar questions) and checked on kb-dev and
# faq-c; 0 would keep the shipped thresholds for every FAQ.
LEVEL_QUANTILE = 0.9
SHIFT = 0.5
L2 = 0.1
SCOPE_TERMS = with_products(scope.FEATURES)
SCOPE_L2 = 1.0
SCOPE_STEPS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))  # 0.5 … 0.95
Matrix = npt.NDArray[np.float64]


@dataclass
class Asked:
    """One generated question, what search found, and what the right outcome was."""

    values: dict[str, float]
    kind: str  # answerable | unanswerable | out_of_scope
    best_right: bool
    either_right: bool  # the right article is among the options a clarifying question offers
    fold: int
    source: str = "similar"  # similar (an article's similar question) | message | stranger
    can_ask: bool = True  # a clarifying question would offer more than one option
    index: int = 0  # which index of the run it was asked of


class CachedEmbedder:
    """The sentence encoder, embedding each text once across all the folds."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self._known: dict[str, Vectors] = {}

    def encode(self, texts: Sequence[str], *, batch: bool = False) -> Vectors:
        """One row per text."""
        missing = list(dict.fromkeys(t for t in texts if t not in self._known))
        if missing:
            for text, row in zip(missing, self.inner.encode(missing, batch=True), strict=True):
                self._known[text] = row
        return np.vstack([self._known[t] for t in texts]) if texts else self.inner.encode([])


def in_fold(messages: Sequence[dict[str, Any]], fold: int) -> list[dict[str, Any]]:
    """The customer messages asked in a fold (the bridge of the fold holds the others)."""
    return [m for i, m in enumerate(messages) if i % FOLDS == fold]


def build_index(
    embedder: Embedder,
    articles: list[dict[str, Any]],
    fold: int,
    left_out: set[str],
    bridge: TopicBridge | None = None,
    messages: Sequence[dict[str, Any]] = (),
    keep: int | None = None,
) -> KnowledgeIndex:
    """An index without the fold's questions and without the left-out articles, each article
    with at most `keep` similar questions when given (an operator's FAQ may have none).

    Without a bridge given, the demo FAQ is both index and topics: then index and bridge
    hold different phrasings of the articles (so the bridge relates to the index as the
    shipped one does to an imported knowledge base: same topics, other words), the bridge
    holds the given customer messages of the other folds, and some articles get no topic, as
    an imported article may have none."""
    said = by_article([m for i, m in enumerate(messages) if i % FOLDS != fold])
    docs, topics = [], []
    for number, article in enumerate(articles, 1):
        similar = article.get("similar_questions", [])
        kept = [s for i, s in enumerate(similar) if i % FOLDS != fold]
        if bridge is None:
            bridged = [s for i, s in enumerate(similar) if i % FOLDS == (fold + 1) % FOLDS]
            bridged += said.get(article["external_id"], [])
            kept = [s for i, s in enumerate(similar) if i % FOLDS == (fold + 2) % FOLDS]
            if bridged and number % NO_TOPIC != fold:
                tags = list(article.get("tags", []))
                topics.append(Topic(article["external_id"], bridged, tags))
        if article["external_id"] not in left_out:
            content = {**article, "similar_questions": kept if keep is None else kept[:keep]}
            docs.append(IndexDoc.from_content(number, article["external_id"], content))
    for doc, vectors in zip(docs, embed_docs(embedder, docs), strict=True):
        doc.vectors = vectors
    return KnowledgeIndex(docs, embedder, bridge=bridge or TopicBridge.build(embedder, topics))


def ask(
    index: KnowledgeIndex, text: str, target: str | None, kind: str, fold: int, source: str
) -> Asked:
    """One question put to an index, as the bot would see it."""
    seen = evidence(index.search(text, today=TODAY, limit=5))
    ids = [c.external_id for c in seen.candidates]
    right = bool(ids[:1] == [target])
    offered = bot.menu(seen)
    values = bot.features(seen)
    values.update(agree=scope.agreement(seen), concept=scope.names_concept(text))
    return Asked(values, kind, right, target in offered, fold, source, len(offered) > 1)


def generate(
    embedder: Embedder, articles: list[dict[str, Any]], bridge: TopicBridge | None = None
) -> list[Asked]:
    """Each article's held-out similar questions, fold by fold, asked; with the demo FAQ
    (no bridge given) also the fold's customer messages. Each fold's indexes are built as
    given and with titles only (RICHNESS), so that the models learn how the scores of a FAQ
    without similar questions look (`phrasings` is a feature)."""
    strangers = list(out_of_scope())
    messages = customer_messages() if bridge is None else []
    rows: list[Asked] = []
    for fold in range(FOLDS):
        held = {
            a["external_id"]: [
                s for i, s in enumerate(a.get("similar_questions", [])) if i % FOLDS == fold
            ]
            for a in articles
        }
        left_out = {a["external_id"] for i, a in enumerate(articles) if i % LEFT_OUT == fold}
        for gone, keep in product((set(), left_out), RICHNESS):
            index = build_index(embedder, articles, fold, gone, bridge, messages, keep)
            start = len(rows)
            for article_id, questions in held.items():
                kind = "unanswerable" if article_id in gone else "answerable"
                rows += [ask(index, q, article_id, kind, fold, "similar") for q in questions]
            for message in in_fold(messages, fold):
                kind = "unanswerable" if message["target"] in gone else "answerable"
                rows.append(
                    ask(index, message["message"], message["target"], kind, fold, "message")
                )
            rows += [ask(index, s, None, "out_of_scope", fold, "stranger") for s in strangers]
            for row in rows[start:]:
                row.index = id(index)
    return rows


def fit_logistic(x: Matrix, y: Matrix, l2: float = L2) -> tuple[Matrix, float]:
    """L2-regularised logistic regression (Newton's method on standardised features)."""
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    design = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    penalty = np.diag([0.0] + [l2] * x.shape[1])
    w = np.zeros(design.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-design @ w))
        gradient = design.T @ (p - y) + penalty @ w
        hessian = design.T @ (design * (p * (1 - p))[:, None]) + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    coef = w[1:] / scale
    return coef, float(w[0] - (coef * mean).sum())


def matrix(rows: list[Asked], names: Sequence[str]) -> Matrix:
    """The named terms of the rows (features or their products)."""
    return np.array([[bot.term(n, r.values) for n in names] for r in rows], dtype=np.float64)


def predict(coef: Matrix, bias: float, x: Matrix) -> Matrix:
    """Probabilities from a fitted model."""
    return np.asarray(1.0 / (1.0 + np.exp(-(x @ coef + bias))), dtype=np.float64)


def out_of_fold(rows: list[Asked], names: Sequence[str], label: str, l2: float = L2) -> Matrix:
    """Each row's probability from a model fitted on the other folds only."""
    x, y = matrix(rows, names), np.array([getattr(r, label) for r in rows], dtype=np.float64)
    folds = np.array([r.fold for r in rows])
    out = np.zeros(len(rows))
    for fold in range(FOLDS):
        coef, bias = fit_logistic(x[folds != fold], y[folds != fold], l2)
        out[folds == fold] = predict(coef, bias, x[folds == fold])
    return out


def outcomes(
    rows: list[Asked], best: Matrix, either: Matrix, at: tuple[float, float]
) -> dict[str, float]:
    """What the bot would do with the rows at the given thresholds (shares by kind)."""
    kinds = np.array([r.kind for r in rows])
    right = np.array([r.best_right for r in rows])
    pair = np.array([r.either_right for r in rows])
    answer = best >= at[0]
    clarify = ~answer & (either >= at[1]) & np.array([r.can_ask for r in rows])
    mine, strange, gone = kinds == "answerable", kinds == "out_of_scope", kinds == "unanswerable"
    return {
        "right": float((answer & right & mine).sum() / mine.sum()),
        "precision": float((answer & right & mine).sum() / max(1, (answer & mine).sum())),
        "wrong": float((answer & ~right & mine).sum() / mine.sum()),
        "clarify": float((clarify & mine).sum() / mine.sum()),
        "clarify_offers_right": float(
            (clarify & pair & mine).sum() / (clarify & mine).sum()
            if (clarify & mine).any()
            else 1.0
        ),
        "out_of_scope_answered": float((answer & strange).sum() / strange.sum()),
        "out_of_scope_clarified": float((clarify & strange).sum() / strange.sum()),
        "unanswerable_answered": float((answer & gone).sum() / gone.sum()),
    }


def realistic(
    rows: list[Asked], best: Matrix, either: Matrix
) -> tuple[list[Asked], Matrix, Matrix]:
    """The rows the thresholds are held on: customer messages and out-of-scope ones when
    there are customer messages (similar questions are easier than what customers type)."""
    if not any(r.source == "message" for r in rows):
        return rows, best, either
    kept = np.array([r.source != "similar" for r in rows])
    return [r for r in rows if r.source != "similar"], best[kept], either[kept]


def thresholds(rows: list[Asked], best: Matrix, either: Matrix) -> tuple[float, float]:
    """The lowest thresholds that keep wrong answers and wrong clarifications within budget."""
    answer_at = 0.99
    for t in np.arange(0.99, 0.2, -0.01):
        seen = outcomes(rows, best, either, (t, 1.01))
        if (
            seen["precision"] < ANSWER_PRECISION
            or seen["wrong"] > WRONG_BUDGET
            or seen["out_of_scope_answered"] > OUT_OF_SCOPE_BUDGET
            or seen["unanswerable_answered"] > UNANSWERABLE_BUDGET
        ):
            break
        answer_at = float(t)
    clarify_at = 0.99
    for t in np.arange(0.99, 0.2, -0.01):
        seen = outcomes(rows, best, either, (answer_at, t))
        if (
            seen["clarify_offers_right"] < CLARIFY_PRECISION
            or seen["out_of_scope_clarified"] > CLARIFY_OUT_OF_SCOPE
        ):
            break
        clarify_at = float(t)
    return round(answer_at, 2), round(clarify_at, 2)


def calibration_text(
    rows: list[Asked], at: tuple[float, float], report: dict[str, float], command: str
) -> str:
    """The calibration file: both models fitted on all rows, and the thresholds."""
    lines = [
        f"# The bot's confidence models, fitted by `{command}`",
        f"# on {len(rows)} questions: FAQ articles' similar questions, the messages of",
        "# data/customer_messages.jsonl and data/out_of_scope.txt (no evaluation queries).",
        "# Out-of-fold at these thresholds, on customer messages and out-of-scope ones: "
        + ", ".join(f"{k} {v:.3f}" for k, v in report.items()),
    ]
    for model, names, label in (
        ("answer", ANSWER_TERMS, "best_right"),
        ("either", EITHER_TERMS, "either_right"),
    ):
        y = np.array([getattr(r, label) for r in rows], dtype=np.float64)
        coef, bias = fit_logistic(matrix(rows, names), y)
        lines.append(f"{model} bias {bias:.5f}")
        lines += [f"{model} {n} {c:.5f}" for n, c in zip(names, coef, strict=True)]
    lines += [f"threshold answer {at[0]:.2f}", f"threshold clarify {at[1]:.2f}"]
    seen = matrix(rows, EITHER_FEATURES)
    lines += [
        f"range {name} {low:.5f} {high:.5f}"
        for name, low, high in zip(EITHER_FEATURES, seen.min(axis=0), seen.max(axis=0), strict=True)
    ]
    lines += reference_lines(rows, bot.read_calibration("\n".join(lines)))
    return "\n".join(lines) + "\n"


def reference_lines(rows: list[Asked], fitted: bot.Calibration) -> list[str]:
    """The fitted models' level on the out-of-scope messages asked in calibration, which a
    FAQ's own level is compared with (`bot.limits`)."""
    strangers = [r.values for r in rows if r.kind == "out_of_scope"]
    level = bot.level_of(strangers, replace(fitted, quantile=LEVEL_QUANTILE))
    if level is None:
        return []
    return [
        f"reference answer {level.answer:.5f}",
        f"reference either {level.either:.5f}",
        f"reference quantile {LEVEL_QUANTILE}",
        f"reference shift {SHIFT}",
    ]


def scoped(rows: list[Asked], fitted: bot.Calibration) -> list[Asked]:
    """The rows the scope model is fitted on (customer messages and out-of-scope ones, those
    of `realistic`), each with its in-scope features relative to the level of the index it
    was asked of; labelled in scope or not."""
    levels: dict[int, bot.Level] = {}
    for index in {r.index for r in rows}:
        strangers = [r.values for r in rows if r.index == index and r.kind == "out_of_scope"]
        level = bot.level_of(strangers, fitted)
        if level is None:
            raise SystemExit("every index is asked the out-of-scope messages")
        levels[index] = level
    out = []
    for row in rows:
        if row.source != "similar":
            inside = row.kind == "answerable"
            values = scope.relative(row.values, levels[row.index], fitted)
            out.append(replace(row, values=values, best_right=inside, either_right=inside))
    return out


def scope_threshold(
    rows: list[Asked], best: Matrix, either: Matrix, inside: Matrix, at: tuple[float, float]
) -> float:
    """The lowest SCOPE_STEPS threshold at which the clarifying questions the scope model
    adds keep the out-of-scope messages clarified within CLARIFY_OUT_OF_SCOPE."""
    strange = np.array([r.kind == "out_of_scope" for r in rows])
    open_ = (best < at[0]) & np.array([r.can_ask for r in rows])
    for t in SCOPE_STEPS:
        clarified = open_ & ((either >= at[1]) | (inside >= t))
        if (clarified & strange).sum() <= CLARIFY_OUT_OF_SCOPE * strange.sum():
            return t
    return bot.NEVER


def scope_lines(rows: list[Asked], fitted: bot.Calibration, at_scope: float) -> list[str]:
    """The scope model fitted on all its rows, its threshold and its features' ranges."""
    y = np.array([r.best_right for r in rows], dtype=np.float64)
    coef, bias = fit_logistic(matrix(rows, SCOPE_TERMS), y, SCOPE_L2)
    lines = [f"scope bias {bias:.5f}"]
    lines += [f"scope {n} {c:.5f}" for n, c in zip(SCOPE_TERMS, coef, strict=True)]
    lines.append(f"threshold scope {at_scope:.2f}")
    seen = matrix(rows, scope.FEATURES)
    known = set(fitted.ranges)
    return lines + [
        f"range {name} {low:.5f} {high:.5f}"
        for name, low, high in zip(scope.FEATURES, seen.min(axis=0), seen.max(axis=0), strict=True)
        if name not in known
    ]


def with_scope(rows: list[Asked], text: str, best: Matrix, either: Matrix) -> str:
    """The calibration text with the scope model added, fitted with the models of `text`
    (`best`, `either`: their out-of-fold predictions for the rows)."""
    fitted = bot.read_calibration(text)
    inside_rows = scoped(rows, fitted)
    kept = np.array([r.source != "similar" for r in rows])
    inside = out_of_fold(inside_rows, SCOPE_TERMS, "best_right", SCOPE_L2)
    at = (fitted.answer_at, fitted.clarify_at)
    at_scope = scope_threshold(inside_rows, best[kept], either[kept], inside, at)
    print(f"scope: {len(inside_rows)} messages; threshold {at_scope}")
    return text + "\n".join(scope_lines(inside_rows, fitted, at_scope)) + "\n"


def main() -> None:
    """Generate, fit, report; with --write, store the calibration in the package."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--articles",
        type=Path,
        action="append",
        default=[],
        help="also an imported FAQ (articles.jsonl), asked with the shipped topic bridge",
    )
    parser.add_argument("--write", action="store_true", help="store data/bot_confidence.txt")
    args = parser.parse_args()
    embedder = CachedEmbedder(UniversalSentenceEncoder(cache_size=0))
    rows = generate(embedder, demo_articles())
    for path in args.articles:
        lines = path.read_text("utf-8").splitlines()
        imported = [json.loads(line) for line in lines if line.strip()]
        rows += generate(embedder, imported, bridge_for(embedder))
    best = out_of_fold(rows, ANSWER_TERMS, "best_right")
    either = out_of_fold(rows, EITHER_TERMS, "either_right")
    held = realistic(rows, best, either)
    at = thresholds(*held)
    report = outcomes(*held, at)
    print(f"{len(rows)} questions; thresholds {at}; out-of-fold: {report}")
    given = [a for a in sys.argv[1:] if a != "--write"]
    command = " ".join(["python -m closeloop.knowledge.bot.calibrate", *given])
    text = with_scope(rows, calibration_text(rows, at, report, command), best, either)
    if args.write:
        with resources.as_file(bot.calibration_file()) as target:
            target.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
