"""Request bodies of the organisation API."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


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
