"""Fitting the bot's in-scope model (范围模型校准): "the FAQ answers this message at all"
(`scope.in_scope`), on the customer messages against the out-of-scope messages and those whose
article was left out, over features relative to each index's level; its threshold is the
lowest of SCOPE_STEPS at which, out of fold, the clarifying questions it adds keep the
out-of-scope messages clarified within CLARIFY_OUT_OF_SCOPE. Run by `calibrate`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from closeloop.knowledge.bot import decisions as bot
from closeloop.knowledge.bot import scope
from closeloop.knowledge.bot.calibration_basis import (
    CLARIFY_OUT_OF_SCOPE,
    Asked,
    Matrix,
    fit_logistic,
    matrix,
    out_of_fold,
    with_products,
)

SCOPE_TERMS = with_products(scope.FEATURES)
SCOPE_L2 = 1.0
SCOPE_STEPS = tuple(round(0.5 + 0.05 * i, 2) for i in range(10))  # 0.5 … 0.95


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
