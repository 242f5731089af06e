"""Request bodies of the organisation API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayIn(_Body):
    """A holiday or an adjusted working day (调休上班) of a calendar."""

    date: date
    kind: Literal["holiday", "workday"]
    name: str = Field(default="", max_length=64)


class DaysIn(_Body):
    """Days to write into a calendar: new dates are added, known dates changed."""

    days: list[DayIn] = Field(min_length=1, max_length=1000)


class IntervalIn(_Body):
    """An opening interval of a day, local time."""

    start: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["08:30"])
    end: str = Field(pattern=r"^\d{2}:\d{2}$", examples=["12:00"])


class WeekIn(_Body):
    """Opening hours by weekday (`mon` … `sun`); a day left out is closed."""

    week: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[IntervalIn]]


class SettingIn(_Body):
    """A business setting's new value (its type depends on the setting)."""

    value: Any


def _not_null(value: object) -> object:
    """Refuse an explicit null for a field that may be left out but not cleared."""
    if value is None:
        raise ValueError("may be left out, not null")
    return value


class TimeLimitsIn(_Body):
    """A station's time limits by severity (ISO 8601 durations); a severity left out keeps
    its limit."""

    urgent: str | None = Field(default=None, examples=["PT4H"])
    high: str | None = Field(default=None, examples=["PT8H"])
    normal: str | None = Field(default=None, examples=["PT24H"])
    low: str | None = Field(default=None, examples=["PT72H"])

    given_not_null = field_validator("urgent", "high", "normal", "low", mode="before")(_not_null)


class StationPatch(_Body):
    """What an administrator changes on a station; fields left out keep their value."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    name_en: str | None = Field(default=None, max_length=128, description="empty: none")
    department: str | None = Field(default=None, max_length=32)
    calendar: str | None = Field(default=None, max_length=32)
    accept_within: str | None = Field(default=None, examples=["PT30M"])
    time_limits: TimeLimitsIn | None = None

    given_not_null = field_validator(
        "name", "department", "calendar", "accept_within", "time_limits", mode="before"
    )(_not_null)


class StationIn(StationPatch):
    """A new station: code, name, department and calendar; accept time and time limits
    default to PT30M and PT4H/PT8H/PT24H/PT72H."""

    code: str = Field(max_length=32, examples=["core"])
    name: str = Field(min_length=1, max_length=64, examples=["核心网中心"])
    department: str = Field(max_length=32, examples=["network"])
    calendar: str = Field(max_length=32, examples=["always"])


class MembersIn(_Body):
    """The users bound to a station (usernames), replacing those bound now."""

    members: list[str] = Field(max_length=1000)


class StationRefIn(_Body):
    """The station a category's tickets are usually dispatched to (null: none)."""

    station: str | None


class NodeIn(_Body):
    """A new category or cause: `parent` null (or left out) for the top level."""

    code: str = Field(min_length=1, max_length=96, examples=["signal/indoor/basement"])
    name: str = Field(min_length=1, max_length=64, examples=["地下室无信号"])
    parent: str | None = Field(default=None, examples=["signal/indoor"])
    name_en: str | None = Field(default=None, max_length=128, examples=["No signal in basement"])
    station: str | None = Field(default=None, description="categories only")


class NodePatch(_Body):
    """What an administrator changes on a category or cause; fields left out keep their
    value. `parent` moves the node (null: to the top level); its code never changes."""

    name: str | None = Field(default=None, min_length=1, max_length=64)
    name_en: str | None = Field(default=None, max_length=128)
    parent: str | None = None
    station: str | None = Field(default=None, description="categories only")

    given_not_null = field_validator("name", mode="before")(_not_null)
