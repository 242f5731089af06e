"""API shapes of quality inspection (CONTRACT §7 质检)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from closeloop.kit.timefmt import Timestamp


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RubricItemIn(_Body):
    """One rubric line: weight in points (all weights add up to 100); fatal: 0 here zeroes
    the total."""

    code: str = Field(min_length=1, max_length=32)
    text: str = Field(min_length=1, max_length=500)
    weight: StrictInt = Field(ge=0, le=100)
    fatal: StrictBool = False


class RubricIn(_Body):
    """A rubric, or the next version of one with this code."""

    code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1, max_length=200)
    items: list[RubricItemIn] = Field(min_length=1, max_length=100)


class RubricOut(BaseModel):
    """A rubric version."""

    id: str
    code: str
    version: int
    name: str
    items: list[dict[str, Any]]


class SampleIn(_Body):
    """Draw a sample: up to `per_agent` closed tickets per front-line agent of [from, to)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    rubric: str = Field(min_length=1, max_length=32)
    from_: str = Field(alias="from", min_length=10, max_length=40)
    to: str = Field(min_length=10, max_length=40)
    per_agent: int = Field(ge=1, le=1000)
    method: Literal["risk", "random"] = "risk"
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)


class SampleItemOut(BaseModel):
    """A sampled ticket."""

    id: str
    ticket_id: str
    agent: str
    risk: float
    reasons: str


class SampleOut(BaseModel):
    """A drawn sample."""

    id: str
    rubric: str
    rubric_version: int
    method: str
    seed: int
    items: list[SampleItemOut]


class ReviewIn(_Body):
    """A reviewer's points per rubric item (0…weight) with optional comments."""

    sample_item_id: str | StrictInt = Field(union_mode="left_to_right")
    scores: dict[str, Any]
    comments: dict[str, str] = Field(default_factory=dict)
    comment: str | None = Field(default=None, max_length=2000)
    calibration: StrictBool = False


class ReviewOut(BaseModel):
    """A review and its total (0 when a fatal item scored 0)."""

    id: str
    sample_item_id: str
    agent: str
    reviewer: str
    kind: str
    scores: dict[str, int]
    comments: dict[str, str]
    comment: str | None
    total: int
    final_total: int
    created_at: str
    dispute: dict[str, Any] | None = None


class DisputeIn(_Body):
    """The agent's reason to dispute a review."""

    reason: str = Field(min_length=1, max_length=2000)


class SettleIn(_Body):
    """The second reviewer's scores settling a dispute."""

    scores: dict[str, Any]
    comments: dict[str, str] = Field(default_factory=dict)
    comment: str | None = Field(default=None, max_length=2000)


class AgentScoreOut(BaseModel):
    """An agent's reviews in a period, newest first, and the mean of their totals."""

    agent: str
    reviews: list[ReviewOut]
    count: int
    average: float | None


class CoachingIn(_Body):
    """The period whose scores decide coaching."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str = Field(alias="from", min_length=10, max_length=40)
    to: str = Field(min_length=10, max_length=40)


class CoachingOut(BaseModel):
    """A coaching task."""

    id: str
    agent: str
    average: float
    threshold: float
    status: str
    created_at: str


class MysteryVisitIn(_Body):
    """A mystery shopper's visit or call, scored against a checklist (a rubric's code)."""

    checklist: str = Field(min_length=1, max_length=32)
    place: str = Field(min_length=1, max_length=64)
    channel: str = Field(min_length=1, max_length=16)
    visited_at: Timestamp
    shopper: str = Field(min_length=1, max_length=64)
    scores: dict[str, Any]
    note: str | None = Field(default=None, max_length=2000)


class MysteryVisitOut(BaseModel):
    """A recorded visit and its total."""

    id: str
    place: str
    channel: str
    total: int
