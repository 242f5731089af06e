"""Workforce API shapes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, Field

State = Literal["signed_in", "on_contact", "after_contact_work", "break", "signed_out"]
Skill = Literal["hotline", "online", "expert"]


def _hotline() -> list[Skill]:
    return ["hotline"]


class StateIn(BaseModel):
    """An agent's new state; `agent` defaults to the caller (others need wfm.plan)."""

    state: State
    agent: str | None = Field(default=None, min_length=1, max_length=64)
    at: AwareDatetime | None = None
    call_id: str | None = Field(default=None, max_length=64)


class StateOut(BaseModel):
    """An agent's stretch in a state."""

    id: str
    agent: str
    state: str
    started_at: datetime
    ended_at: datetime | None
    source: str


class TemplateIn(BaseModel):
    """A shift template: start "HH:MM", length and break window in minutes."""

    code: str = Field(min_length=1, max_length=32)
    start: str = Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")
    minutes: int = Field(gt=0, le=16 * 60)
    break_minutes: int = Field(default=0, ge=0, le=120)
    break_earliest: int = Field(default=0, ge=0)
    break_latest: int = Field(default=0, ge=0)


class AgentIn(BaseModel):
    """An agent to roster."""

    username: str = Field(min_length=1, max_length=64)
    skills: list[Skill] = Field(default_factory=_hotline, min_length=1)
    unavailable: list[date] = Field(default_factory=list)
    max_shifts: int | None = Field(default=None, ge=0)


class RosterIn(BaseModel):
    """Build and publish a roster: days from `first`, the requirement per interval of each
    skill (`required`: skill → date → agents per interval from midnight) or, without it, the
    hotline's forecast staffed to the service level."""

    first: date
    days: int = Field(default=7, ge=1, le=31)
    interval: Literal[15, 30, 60] = 30
    templates: list[TemplateIn] = Field(min_length=1, max_length=20)
    agents: list[AgentIn] = Field(min_length=1, max_length=300)
    min_rest_minutes: int = Field(default=11 * 60, ge=0)
    max_days_in_row: int = Field(default=5, ge=1)
    required: dict[Skill, dict[date, list[Annotated[int, Field(ge=0, le=10_000)]]]] | None = None
    shrinkage: float = Field(default=0.0, ge=0, lt=1)


class RosterOut(BaseModel):
    """What publishing achieved."""

    status: str
    shifts: int
    short: int
    over: int
    weekend_shifts: dict[str, int]
