"""Quality inspection rules as pure functions (质检规则): rubric checks, the weighted total,
ticket risk, reproducible samples and reviewers' agreement (Krippendorff's α, interval data)."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

RUBRIC_TOTAL = 100


@dataclass(frozen=True)
class RubricItem:
    """One rubric line: its code, text, weight (the most points) and whether it is fatal."""

    code: str
    text: str
    weight: int
    fatal: bool = False


def check_rubric(items: Sequence[RubricItem]) -> list[tuple[list[str | int], str]]:
    """What is wrong with a rubric's items as (location, message); empty when it is good."""
    problems: list[tuple[list[str | int], str]] = []
    if not items:
        return [(["items"], "at least one item is required")]
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.code in seen:
            problems.append((["items", i, "code"], f"duplicate item code {item.code!r}"))
        seen.add(item.code)
        if item.weight < 0:
            problems.append((["items", i, "weight"], "must be 0 or more"))
    total = sum(i.weight for i in items)
    if total != RUBRIC_TOTAL:
        problems.append((["items"], f"weights must add up to {RUBRIC_TOTAL}, not {total}"))
    return problems


def check_scores(items: Sequence[RubricItem], scores: Mapping[str, Any]) -> list[tuple[str, str]]:
    """What is wrong with a review's scores as (item code, message): every item scored with
    whole points from 0 to its weight, no unknown items."""
    problems: list[tuple[str, str]] = []
    for item in items:
        value = scores.get(item.code)
        if value is None:
            problems.append((item.code, "missing score"))
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append((item.code, "must be whole points"))
        elif not 0 <= value <= item.weight:
            problems.append((item.code, f"must be between 0 and {item.weight}"))
    known = {i.code for i in items}
    problems += [(code, "not an item of this rubric") for code in scores if code not in known]
    return problems


def total(items: Sequence[RubricItem], scores: Mapping[str, int]) -> int:
    """Σ points, or 0 when a fatal item (致命项) scored 0."""
    if any(i.fatal and scores[i.code] == 0 for i in items):
        return 0
    return sum(scores[i.code] for i in items)


@dataclass(frozen=True)
class Candidate:
    """A closed ticket an agent may be sampled on, with what makes it risky."""

    ticket_id: int
    agent: str
    unsatisfied_callbacks: int = 0
    reopens: int = 0
    complaint: bool = False
    handling_hours: float = 0.0


def risk(c: Candidate) -> tuple[float, str]:
    """How risky a ticket is (0 = nothing known against it) and why, in a few words."""
    parts = {
        "unsatisfied": 3.0 * c.unsatisfied_callbacks,
        "reopened": 2.0 * c.reopens,
        "complaint": 2.0 if c.complaint else 0.0,
        "long": min(2.0, max(0.0, c.handling_hours - 24) / 24),
    }
    return sum(parts.values()), ",".join(k for k, v in parts.items() if v > 0)


def sample(
    candidates: Sequence[Candidate], per_agent: int, seed: int, *, method: str = "risk"
) -> list[Candidate]:
    """Up to `per_agent` tickets per agent: at random, or the riskiest first (ties and the
    rest at random). The same candidates and seed give the same sample."""
    rng = random.Random(seed)
    by_agent: dict[str, list[Candidate]] = {}
    for c in sorted(candidates, key=lambda c: (c.agent, c.ticket_id)):
        by_agent.setdefault(c.agent, []).append(c)
    chosen: list[Candidate] = []
    for agent in sorted(by_agent):
        pool = by_agent[agent]
        order = {c.ticket_id: rng.random() for c in pool}
        if method == "risk":
            ranked = sorted(pool, key=lambda c: (-risk(c)[0], order[c.ticket_id]))
        else:
            ranked = sorted(pool, key=lambda c: order[c.ticket_id])
        chosen += sorted(ranked[:per_agent], key=lambda c: c.ticket_id)
    return chosen


def krippendorff_alpha(units: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's α for interval data; `units[u]` holds each reviewer's value of unit u
    (None: not scored). None when undefined (fewer than two pairable values, no variation)."""
    pairable = [[v for v in unit if v is not None] for unit in units]
    pairable = [u for u in pairable if len(u) >= 2]
    values = np.array([v for u in pairable for v in u], dtype=float)
    n = len(values)
    if n < 2:
        return None
    observed = 0.0
    for unit in pairable:
        diffs = sum((a - b) ** 2 for a, b in combinations(unit, 2))
        observed += 2 * diffs / (len(unit) - 1)
    observed /= n
    expected = float(((values[:, None] - values[None, :]) ** 2).sum()) / (n * (n - 1))
    if expected == 0:
        return None
    return 1 - observed / expected


def disagreement(units: Sequence[Sequence[float | None]]) -> float:
    """Mean spread (max − min) between reviewers over the units scored by two or more."""
    spreads = [
        max(u) - min(u)
        for u in ([v for v in unit if v is not None] for unit in units)
        if len(u) >= 2
    ]
    return sum(spreads) / len(spreads) if spreads else 0.0
