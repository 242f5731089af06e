"""Scoring a classifier against labelled posts (评测): the four figures the issue asks for."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from closeloop.opinion.labels import Verdict
from closeloop.opinion.training.example import Example


@dataclass(frozen=True)
class Scores:
    sentiment_accuracy: float
    complaint_f1: float
    urgent_recall: float
    urgent_precision: float
    category_accuracy: float
    posts: int

    def as_dict(self) -> dict[str, float | int]:
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in vars(self).items()}


def f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def score(verdicts: Sequence[Verdict], gold: Sequence[Example]) -> Scores:
    """The figures of `verdicts` against `gold` (same order)."""
    pairs = list(zip(verdicts, gold, strict=True))
    n = len(pairs) or 1
    tp = sum(v.complaint and g.complaint for v, g in pairs)
    fp = sum(v.complaint and not g.complaint for v, g in pairs)
    fn = sum(g.complaint and not v.complaint for v, g in pairs)
    urgent_hit = sum(v.urgent and g.urgent for v, g in pairs)
    urgent_gold = sum(g.urgent for _, g in pairs)
    urgent_said = sum(v.urgent for v, _ in pairs)
    return Scores(
        sentiment_accuracy=sum(v.sentiment == g.sentiment for v, g in pairs) / n,
        complaint_f1=f1(tp, fp, fn),
        urgent_recall=urgent_hit / urgent_gold if urgent_gold else 0.0,
        urgent_precision=urgent_hit / urgent_said if urgent_said else 0.0,
        category_accuracy=sum(v.category == g.category for v, g in pairs) / n,
        posts=len(pairs),
    )
