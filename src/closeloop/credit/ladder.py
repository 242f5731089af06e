"""The arrears ladder (欠费处置阶梯) as pure rules: which step a customer's oldest unpaid bill has
reached, what their line status is at that step, and where a run takes them.

The set-based run evaluates `reached` in SQL (closeloop.credit.scratch); the same rule here is
what tests and the per-customer baseline check it against.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from closeloop.credit.policy import LINE_ACTIONS, LINE_ORDER, Policy, Step


def needed_days(step: Step, rewarded: bool, grace_days: int) -> int:
    """Days past due before `step` is reached (good credit gets grace before any pursuit)."""
    grace = grace_days if rewarded and step.action != "remind" else 0
    return step.after_days + grace


def reached(
    policy: Policy, grade: str, rewarded: bool, oldest_due: date | None, today: date
) -> Step | None:
    """The highest step the oldest unpaid bill (due `oldest_due`) has reached by `today`."""
    if oldest_due is None or oldest_due >= today:
        return None
    days = (today - oldest_due).days
    best = None
    for step in policy.steps:
        if step.applies_to(grade) and days >= needed_days(
            step, rewarded, policy.rewards.grace_days
        ):
            best = step
    return best


def cutoff(today: date, step: Step, rewarded: bool, grace_days: int) -> date:
    """The latest due date of a bill that has reached `step` by `today` (for SQL)."""
    return min(
        today - timedelta(days=needed_days(step, rewarded, grace_days)), today - timedelta(1)
    )


def line_status(policy: Policy, grade: str, step_number: int | None) -> str:
    """The line status at a step: the strongest restriction on the ladder up to it."""
    status = "active"
    if step_number is None:
        return status
    for step in policy.steps:
        if step.step <= step_number and step.applies_to(grade) and step.action in LINE_ACTIONS:
            candidate = LINE_ACTIONS[step.action]
            if LINE_ORDER[candidate] > LINE_ORDER[status]:
                status = candidate
    return status


@dataclass(frozen=True)
class Move:
    """Where a run takes a customer: the new step, its bill and line status, and whether the
    step's action is due (each step once per bill)."""

    step: int | None
    period: str | None
    line_status: str
    act: bool
    cleared: bool = False  # nothing past due is unpaid any more


def move(
    policy: Policy,
    grade: str,
    current: int | None,
    current_line: str,
    target: Step | None,
    period: str | None,
    in_arrears: bool,
    taken: bool,
) -> Move | None:
    """The move for a customer now at step `current` whose oldest undisputed unpaid bill
    (`period`) has reached `target`; `in_arrears`: anything past due is unpaid, disputed or not;
    `taken`: that bill's target step was already taken. None when nothing changes."""
    at_rest = current is None and current_line == "active"
    if not in_arrears:
        return None if at_rest else Move(None, None, "active", False, cleared=True)
    if target is None:
        # only disputed bills are past due (the ladder pauses), or the oldest unpaid bill has
        # reached no step yet (a partial payment moves the customer back, if the policy says so)
        if period is None or at_rest or policy.partial_payment == "keep":
            return None
        return Move(None, None, "active", False)
    if current is not None and target.step < current and policy.partial_payment == "keep":
        return None
    if target.step == current and taken:
        return None
    return Move(target.step, period, line_status(policy, grade, target.step), not taken)
