"""Credit score and grade (信用评分) as pure rules over a customer's features: identity at sign-up
(ID check digit, age from the ID, many lines on one ID, the deposit taken), tenure, on-time
payment, arrears, spend.

`closeloop.credit.scratch` builds the same rules as SQL for the set-based run.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from closeloop.credit.policy import Policy, Scoring, Tier

ADULT_YEARS = 18


def months_before(day: date, months: int) -> date:
    """The same day `months` calendar months earlier (the month's last day when shorter)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def adult_cutoff(today: date) -> str:
    """Birth dates (YYYYMMDD) after this one are of minors today."""
    return months_before(today, 12 * ADULT_YEARS).strftime("%Y%m%d")


@dataclass(frozen=True)
class Features:
    """What the score is made of, for one customer."""

    id_number: str | None
    id_lines: int  # lines registered on the same ID number (this one included)
    join_date: date | None
    due_bills: int  # bills past their due date
    on_time: int  # of them, paid in full by the due date
    arrears: Decimal
    spend_sum: Decimal  # amounts due of the last 12 months' bills
    spend_bills: int
    deposit: Decimal | None = None  # taken at sign-up (押金)


def _tier(tiers: tuple[Tier, ...], passes: object) -> int:
    points = 0
    for tier in tiers:
        if passes(tier.threshold):  # type: ignore[operator]
            points = tier.points
    return points


def _truncated_share(on_time: int, points: int, due: int) -> int:
    if due == 0:
        return 0
    product = on_time * points
    return product // due if product >= 0 else -((-product) // due)


def score(features: Features, rules: Scoring, today: date) -> tuple[int, list[str]]:
    """The score and the reasons that moved it, in the order applied."""
    total, reasons = rules.base, [f"base {rules.base}"]

    def add(points: int, why: str) -> None:
        nonlocal total
        if points:
            total += points
            reasons.append(f"{why} {points:+d}")

    f = features
    if not f.id_number:
        add(rules.missing_id, "no ID number")
    else:
        if f.id_number[6:14] > adult_cutoff(today):
            add(rules.minor, "minor by ID")
        if f.id_lines > rules.duplicate_over:
            add(rules.duplicate_id, f"{f.id_lines} lines on one ID")
    if f.join_date is not None:
        add(_tier(rules.tenure, lambda m: f.join_date <= months_before(today, int(m))), "tenure")
    add(_truncated_share(f.on_time, rules.on_time, f.due_bills), "on-time payment")
    add(_tier(rules.arrears, lambda t: f.arrears > t), "arrears")
    add(_tier(rules.spend, lambda t: f.spend_sum > t * f.spend_bills), "spend")
    add(_tier(rules.deposit, lambda t: (f.deposit or 0) >= t), "deposit")
    return total, reasons


def grade_of(policy: Policy, points: int) -> str:
    """The best grade whose minimum the score reaches (the lowest grade otherwise)."""
    for grade in policy.grades:
        if points >= grade.min_score:
            return grade.grade
    return policy.grades[-1].grade


def rewarded(policy: Policy, grade: str, join_date: date | None, today: date) -> bool:
    """Whether good credit earns this customer the reward (grace before pursuit)."""
    rules = policy.rewards
    if grade not in rules.grades or join_date is None:
        return False
    return join_date <= months_before(today, rules.min_tenure_months)
