"""The credit policy as data (信用政策): the arrears ladder, grades and limits, scoring, rewards.

Pure: parsing a submitted document into a Policy names the field that is wrong; nothing here
touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

ACTIONS = ("remind", "restrict", "suspend", "collect", "legal")
LINE_ACTIONS = {"restrict": "restricted", "suspend": "suspended"}
LINE_ORDER = {"active": 0, "restricted": 1, "suspended": 2}
PARTIAL_PAYMENT = ("step_back", "keep")


class PolicyProblem(ValueError):
    """A submitted policy is wrong at `loc`."""

    def __init__(self, loc: list[str | int], msg: str) -> None:
        super().__init__(msg)
        self.loc, self.msg = loc, msg


@dataclass(frozen=True)
class Step:
    """A rung of the ladder: `action` once `after_days` past the due date, for `grades` (all if
    empty)."""

    step: int
    after_days: int
    action: str
    grades: tuple[str, ...] = ()

    def applies_to(self, grade: str) -> bool:
        """Whether this step is on the ladder of a customer of `grade`."""
        return not self.grades or grade in self.grades


@dataclass(frozen=True)
class Grade:
    """A credit grade (信用等级): customers scoring at least `min_score`, with their limit."""

    grade: str
    min_score: int
    credit_limit: Decimal


@dataclass(frozen=True)
class Tier:
    """Points for a value above (or, for months, at least) a threshold."""

    threshold: Decimal
    points: int


@dataclass(frozen=True)
class Scoring:
    """How a score is made: a base and points for identity, tenure, payments, arrears, spend."""

    base: int
    missing_id: int
    minor: int
    duplicate_over: int
    duplicate_id: int
    tenure: tuple[Tier, ...]  # months of tenure at least threshold
    on_time: int  # times the share of due bills paid in full by their due date
    arrears: tuple[Tier, ...]  # arrears above threshold (yuan)
    spend: tuple[Tier, ...]  # average monthly bill above threshold (yuan), last 12 months
    deposit: tuple[Tier, ...] = ()  # deposit at sign-up (押金) at least threshold (yuan)


@dataclass(frozen=True)
class Rewards:
    """Good credit rewarded (信用奖励): grades with long tenure get grace before restriction."""

    grades: tuple[str, ...]
    min_tenure_months: int
    grace_days: int


@dataclass(frozen=True)
class WorkOrders:
    """The work orders the ladder opens for the billing station."""

    station: str
    category: str
    restore_category: str
    dispute_category: str


@dataclass(frozen=True)
class Policy:
    """The whole credit policy in force."""

    steps: tuple[Step, ...]
    partial_payment: str
    grades: tuple[Grade, ...]
    scoring: Scoring
    rewards: Rewards
    work_orders: WorkOrders

    def step(self, number: int | None) -> Step | None:
        """The step with this number."""
        return next((s for s in self.steps if s.step == number), None)

    def grade_names(self) -> tuple[str, ...]:
        """Grade names, best first."""
        return tuple(g.grade for g in self.grades)


DEFAULT_DOCUMENT: dict[str, Any] = {
    "steps": [
        {"step": 1, "after_days": 1, "action": "remind", "grades": []},
        {"step": 2, "after_days": 15, "action": "remind", "grades": []},
        {"step": 3, "after_days": 20, "action": "restrict", "grades": ["C", "D"]},
        {"step": 4, "after_days": 35, "action": "restrict", "grades": ["A", "B"]},
        {"step": 5, "after_days": 50, "action": "suspend", "grades": []},
        {"step": 6, "after_days": 75, "action": "collect", "grades": []},
        {"step": 7, "after_days": 120, "action": "legal", "grades": ["C", "D"]},
    ],
    "partial_payment": "step_back",
    "grades": [
        {"grade": "A", "min_score": 750, "credit_limit": "1000.00"},
        {"grade": "B", "min_score": 650, "credit_limit": "500.00"},
        {"grade": "C", "min_score": 550, "credit_limit": "200.00"},
        {"grade": "D", "min_score": 0, "credit_limit": "50.00"},
    ],
    "scoring": {
        "base": 600,
        "missing_id": -60,
        "minor": -100,
        "duplicate_over": 5,
        "duplicate_id": -120,
        "tenure": [
            {"threshold": 12, "points": 30},
            {"threshold": 36, "points": 60},
            {"threshold": 60, "points": 100},
        ],
        "on_time": 150,
        "arrears": [{"threshold": 0, "points": -80}, {"threshold": 200, "points": -200}],
        "spend": [{"threshold": 100, "points": 20}, {"threshold": 300, "points": 50}],
        "deposit": [{"threshold": 100, "points": 20}, {"threshold": 500, "points": 50}],
    },
    "rewards": {"grades": ["A"], "min_tenure_months": 24, "grace_days": 15},
    "work_orders": {
        "station": "billing",
        "category": "billing/arrears/suspend_dispute",
        "restore_category": "activation/resume/resume_delay",
        "dispute_category": "billing/dispute/verify_request",
    },
}


def _int(value: Any, loc: list[str | int], low: int = -100000, high: int = 100000) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PolicyProblem(loc, f"must be a whole number from {low} to {high}")
    return value


def _text(value: Any, loc: list[str | int], longest: int = 64) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= longest or not value.isprintable():
        raise PolicyProblem(loc, f"must be text of 1–{longest} characters")
    return value


def _object(
    value: Any, loc: list[str | int], keys: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise PolicyProblem(loc, "must be an object")
    missing = [k for k in keys if k not in value]
    if missing:
        raise PolicyProblem([*loc, missing[0]], "is required")
    unknown = [k for k in value if k not in keys and k not in optional]
    if unknown:
        raise PolicyProblem([*loc, unknown[0]], "is not a field of this object")
    return value


def _list(value: Any, loc: list[str | int]) -> list[Any]:
    if not isinstance(value, list):
        raise PolicyProblem(loc, "must be a list")
    return value


def _grades(value: Any) -> tuple[Grade, ...]:
    grades = []
    for i, item in enumerate(_list(value, ["grades"])):
        loc: list[str | int] = ["grades", i]
        row = _object(item, loc, ("grade", "min_score", "credit_limit"))
        try:
            limit = Decimal(str(row["credit_limit"]))
        except InvalidOperation:
            limit = Decimal(-1)
        if not limit.is_finite() or limit < 0:
            raise PolicyProblem([*loc, "credit_limit"], "must be an amount ≥ 0")
        grades.append(
            Grade(
                _text(row["grade"], [*loc, "grade"], 8),
                _int(row["min_score"], [*loc, "min_score"]),
                limit.quantize(Decimal("0.01")),
            )
        )
    if not grades:
        raise PolicyProblem(["grades"], "must name at least one grade")
    if len({g.grade for g in grades}) != len(grades):
        raise PolicyProblem(["grades"], "grade names must be unique")
    ordered = tuple(sorted(grades, key=lambda g: -g.min_score))
    return ordered


def _steps(value: Any, grade_names: tuple[str, ...]) -> tuple[Step, ...]:
    steps = []
    for i, item in enumerate(_list(value, ["steps"])):
        loc: list[str | int] = ["steps", i]
        row = _object(item, loc, ("step", "after_days", "action", "grades"))
        action = row["action"]
        if action not in ACTIONS:
            raise PolicyProblem([*loc, "action"], f"must be one of {', '.join(ACTIONS)}")
        grades = tuple(_list(row["grades"], [*loc, "grades"]))
        for j, grade in enumerate(grades):
            if grade not in grade_names:
                raise PolicyProblem([*loc, "grades", j], f"no grade {grade!r} in the policy")
        steps.append(
            Step(
                _int(row["step"], [*loc, "step"], 1, 1000),
                _int(row["after_days"], [*loc, "after_days"], 0, 3650),
                action,
                grades,
            )
        )
    if len({s.step for s in steps}) != len(steps):
        raise PolicyProblem(["steps"], "step numbers must be unique")
    return tuple(sorted(steps, key=lambda s: s.step))


def _tiers(value: Any, loc: list[str | int]) -> tuple[Tier, ...]:
    tiers = []
    for i, item in enumerate(_list(value, loc)):
        row = _object(item, [*loc, i], ("threshold", "points"))
        threshold = _int(row["threshold"], [*loc, i, "threshold"], 0, 10**9)
        tiers.append(Tier(Decimal(threshold), _int(row["points"], [*loc, i, "points"])))
    return tuple(sorted(tiers, key=lambda t: t.threshold))


def _scoring(value: Any) -> Scoring:
    points = ("base", "missing_id", "minor", "duplicate_over", "duplicate_id", "on_time")
    # `deposit` is optional: policies saved before deposits were scored still parse
    row = _object(value, ["scoring"], (*points, "tenure", "arrears", "spend"), ("deposit",))
    numbers = {k: _int(row[k], ["scoring", k]) for k in points}
    return Scoring(
        **numbers,
        tenure=_tiers(row["tenure"], ["scoring", "tenure"]),
        arrears=_tiers(row["arrears"], ["scoring", "arrears"]),
        spend=_tiers(row["spend"], ["scoring", "spend"]),
        deposit=_tiers(row.get("deposit", []), ["scoring", "deposit"]),
    )


def _rewards(value: Any, grade_names: tuple[str, ...]) -> Rewards:
    row = _object(value, ["rewards"], ("grades", "min_tenure_months", "grace_days"))
    grades = tuple(_list(row["grades"], ["rewards", "grades"]))
    for j, grade in enumerate(grades):
        if grade not in grade_names:
            raise PolicyProblem(["rewards", "grades", j], f"no grade {grade!r} in the policy")
    return Rewards(
        grades,
        _int(row["min_tenure_months"], ["rewards", "min_tenure_months"], 0, 1200),
        _int(row["grace_days"], ["rewards", "grace_days"], 0, 365),
    )


def _work_orders(value: Any) -> WorkOrders:
    keys = ("station", "category", "restore_category", "dispute_category")
    row = _object(value, ["work_orders"], keys)
    return WorkOrders(*(_text(row[k], ["work_orders", k], 128) for k in keys))


def parse(document: Any) -> Policy:
    """A policy from its JSON document (every key required); PolicyProblem names the field."""
    keys = ("steps", "partial_payment", "grades", "scoring", "rewards", "work_orders")
    row = _object(document, [], keys)
    if row["partial_payment"] not in PARTIAL_PAYMENT:
        raise PolicyProblem(["partial_payment"], f"must be one of {', '.join(PARTIAL_PAYMENT)}")
    grades = _grades(row["grades"])
    names = tuple(g.grade for g in grades)
    return Policy(
        _steps(row["steps"], names),
        row["partial_payment"],
        grades,
        _scoring(row["scoring"]),
        _rewards(row["rewards"], names),
        _work_orders(row["work_orders"]),
    )


def merged(current: dict[str, Any], submitted: Any) -> dict[str, Any]:
    """A submitted (partial) document over the one in force: top-level keys replace."""
    if not isinstance(submitted, dict):
        raise PolicyProblem([], "must be an object")
    return {**current, **submitted}


DEFAULT = parse(DEFAULT_DOCUMENT)
