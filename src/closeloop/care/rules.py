"""Care rules as pure functions and data (关怀规则): thresholds, roaming steps, arrivals.

Amounts are integers in thousandths of a unit ("milli": 1 MB = 1000 milli-MB), so a month's
total is the same whatever order or files its records came in. A threshold rule is a
function of (before, after, quota): the levels crossed when usage goes from `before` to
`after`. Each function has a plain-Python form (for tests and the per-record baseline) and a
Polars form evaluated on whole frames.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.care.models import CareRule

MILLI = 1000

DATA_THRESHOLD = "data_threshold"
ROAMING_ARRIVAL = "roaming_arrival"
ROAMING_DATA = "roaming_data"
TICKET_PROGRESS = "ticket_progress"
USAGE_SUMMARY = "usage_summary"
SUBSCRIPTION = "subscription"
OUTAGE = "outage"
KNOWN_PROBLEM = "known_problem"  # a new ticket joined a known network problem (问题单)
PROBLEM_RESOLVED = "problem_resolved"
SURVEY_INVITE = "survey_invite"  # a survey invitation (closeloop.quality)


@dataclass(frozen=True)
class RuleSettings:
    """How one rule behaves: on or off, its parameters and how its notices are sent."""

    rule: str
    enabled: bool = True
    channel: str = "sms"
    quiet_hours: bool = True  # held until 08:00 when created at night
    capped: bool = False  # counts towards the per-customer daily cap
    opt_out: bool = True  # customers may decline it
    priority: int = 50  # lower first when the daily cap chooses
    params: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> Any:
        """A parameter of the rule."""
        return self.params[name]


DEFAULT_RULES: dict[str, RuleSettings] = {
    DATA_THRESHOLD: RuleSettings(
        DATA_THRESHOLD,
        capped=True,
        priority=10,
        params={"levels": [80, 100], "every": 100, "max_level": 5000},
    ),
    ROAMING_ARRIVAL: RuleSettings(ROAMING_ARRIVAL, priority=5),
    ROAMING_DATA: RuleSettings(
        ROAMING_DATA, capped=True, priority=20, params={"step_mb": 20, "max_steps": 1000}
    ),
    TICKET_PROGRESS: RuleSettings(TICKET_PROGRESS, priority=1),
    USAGE_SUMMARY: RuleSettings(
        USAGE_SUMMARY, capped=True, priority=30, params={"days": [1, 16], "hour": 9}
    ),
    SUBSCRIPTION: RuleSettings(SUBSCRIPTION, opt_out=False, priority=2),
    OUTAGE: RuleSettings(OUTAGE, priority=3),
    # the customer has just called: told at once, even at night
    KNOWN_PROBLEM: RuleSettings(KNOWN_PROBLEM, quiet_hours=False, priority=2),
    PROBLEM_RESOLVED: RuleSettings(PROBLEM_RESOLVED, priority=3),
    SURVEY_INVITE: RuleSettings(SURVEY_INVITE, priority=40),
}
OPT_OUT_RULES = tuple(r for r, s in DEFAULT_RULES.items() if s.opt_out)
EDITABLE_PARAMS = {
    DATA_THRESHOLD: {"levels", "every", "max_level"},
    ROAMING_DATA: {"step_mb", "max_steps"},
    USAGE_SUMMARY: {"days", "hour"},
}


def validate_params(rule: str, params: dict[str, Any]) -> str | None:
    """Why these parameters are not acceptable for the rule, or None."""
    allowed = EDITABLE_PARAMS.get(rule, set())
    unknown = set(params) - allowed
    if unknown:
        return f"unknown parameter(s) {', '.join(sorted(unknown))} for {rule}"
    for name, value in params.items():
        if name in ("levels", "days"):
            ok = (
                isinstance(value, list)
                and value
                and all(isinstance(v, int) and v > 0 for v in value)
                and value == sorted(set(value))
            )
            if not ok:
                return f"{name} must be a non-empty increasing list of positive whole numbers"
            if name == "days" and max(value) > 28:
                return "days must be days of the month 1–28"
        elif not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            return f"{name} must be a positive whole number"
        elif name == "hour" and value > 23:
            return "hour must be 0–23"
    return None


def overlay(base: RuleSettings, row: CareRule | None) -> RuleSettings:
    """A default rule with what an operator changed in its care_rules row, if any."""
    if row is None:
        return base
    params = {**base.params, **json.loads(row.params or "{}")}
    return replace(base, enabled=row.enabled, params=params)


def load_rules(session: Session) -> dict[str, RuleSettings]:
    """The rules in force: the defaults overlaid with what operators changed."""
    rules = dict(DEFAULT_RULES)
    for row in session.scalars(select(CareRule)):
        base = rules.get(row.rule)
        if base is not None:
            rules[row.rule] = overlay(base, row)
    return rules


# --- data_threshold: 80 %, 100 %, then every further 100 % of the plan ----------------------


def threshold_count(used: int, quota: int, levels: list[int], every: int, max_level: int) -> int:
    """How many threshold levels `used` has reached (levels in % of `quota`; both milli)."""
    if quota <= 0 or used <= 0:
        return 0
    explicit = sum(1 for level in levels if level <= max_level and 100 * used >= level * quota)
    last = levels[-1]
    if 100 * used < (last + every) * quota:
        return explicit
    repeats = (100 * used - last * quota) // (every * quota)
    return explicit + min(repeats, max(0, (max_level - last) // every))


def threshold_level(index: int, levels: list[int], every: int) -> int:
    """The percentage of the `index`-th level (1-based)."""
    if index <= len(levels):
        return levels[index - 1]
    return levels[-1] + (index - len(levels)) * every


def crossed_levels(
    before: int, after: int, quota: int, levels: list[int], every: int, max_level: int
) -> list[int]:
    """The percentages reached when usage goes from `before` to `after` (milli)."""
    first = threshold_count(before, quota, levels, every, max_level)
    last = threshold_count(after, quota, levels, every, max_level)
    return [threshold_level(i, levels, every) for i in range(first + 1, last + 1)]


def threshold_count_expr(
    used: pl.Expr, quota: pl.Expr, levels: list[int], every: int, max_level: int
) -> pl.Expr:
    """`threshold_count` over a frame."""
    hundred = used * 100
    explicit = pl.sum_horizontal(
        *[(hundred >= quota * level).cast(pl.Int64) for level in levels if level <= max_level]
    )
    last = levels[-1]
    repeats = (
        pl.when(hundred >= quota * (last + every))
        .then(
            ((hundred - quota * last) // (quota * every)).clip(
                0, max(0, (max_level - last) // every)
            )
        )
        .otherwise(0)
    )
    return pl.when((quota > 0) & (used > 0)).then(explicit + repeats).otherwise(0).cast(pl.Int64)


def threshold_level_expr(index: pl.Expr, levels: list[int], every: int) -> pl.Expr:
    """`threshold_level` over a frame."""
    expr = pl.lit(levels[-1]) + (index - len(levels)) * every
    for i in range(len(levels), 0, -1):
        expr = pl.when(index == i).then(pl.lit(levels[i - 1])).otherwise(expr)
    return expr.cast(pl.Int64)


# --- roaming_data: every 20 MB of roaming data in a month ----------------------------------


def step_count(used: int, step: int, max_steps: int) -> int:
    """How many whole steps of `step` (milli) `used` has reached."""
    return min(used // step, max_steps) if used > 0 else 0


def crossed_steps(before: int, after: int, step_mb: int, max_steps: int) -> list[int]:
    """The MB thresholds (20, 40, …) reached when roaming data goes from before to after."""
    step = step_mb * MILLI
    first, last = step_count(before, step, max_steps), step_count(after, step, max_steps)
    return [i * step_mb for i in range(first + 1, last + 1)]


def step_count_expr(used: pl.Expr, step_mb: int, max_steps: int) -> pl.Expr:
    """`step_count` over a frame."""
    return (used // (step_mb * MILLI)).clip(0, max_steps).cast(pl.Int64)


# --- roaming_arrival -----------------------------------------------------------------------


def is_arrival(previous_country: str | None, country: str) -> bool:
    """An event abroad whose country differs from the previous event's (first counts)."""
    return bool(country) and country != (previous_country or "")
