"""Request bodies of the organisation API."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from closeloop.kit.durations import DURATION_PATTERN
from closeloop.kit.fields import left_out_not_null
from closeloop.kit.timefmt import IsoDate
from closeloop.organisation.stations import STATION_CODE
from closeloop.organisation.taxonomy import CODE_PATTERN

# An ISO 8601 duration of days, hours and minutes (PT4H, P1DT2H, PT90M).
Duration = Annotated[str, Field(pattern=DURATION_PATTERN)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DayIn(_Body):
    """A holiday or an adjusted working day (调休上班) of a calendar."""

    date: IsoDate
    kind: Literal["holiday", "workday"]
    name: str = Field(default="", max_length=64)


class DaysIn(_Body):
    """Days to write into a calendar: new dates are added, known dates changed."""

    days: list[DayIn] = Field(min_length=1, max_length=1000)


TIME_OF_DAY = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"  # HH:MM, 00:00–23:59


class IntervalIn(_Body):
    """An opening interval of a day, local time."""

    start: str = Field(pattern=TIME_OF_DAY, examples=["08:30"])
    end: str = Field(pattern=TIME_OF_DAY, examples=["12:00"])


class WeekIn(_Body):
    """Opening hours by weekday (`mon` … `sun`); a day left out is closed."""

    week: dict[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"], list[IntervalIn]]


class SettingIn(_Body):
    """A business setting's new value (its type depends on the setting)."""

    value: Any


_LEFT_OUT = left_out_not_null


def _not_null(value: object) -> object:
    """Refuse an explicit null for a field that may be left out but not cleared."""
    if value is None:
        raise ValueError("may be left out, not null")
    return value


class TimeLimitsIn(_Body):
    """A station's time limits by severity (ISO 8601 durations); a severity left out keeps
    its limit."""

    urgent: Duration | None = Field(
        default=None, json_schema_extra=left_out_not_null, examples=["PT4H"]
    )
    high: Duration | None = Field(
        default=None, json_schema_extra=left_out_not_null, examples=["PT8H"]
    )
    normal: Duration | None = Field(
        default=None, json_schema_extra=left_out_not_null, examples=["PT24H"]
    )
    low: Duration | None = Field(
        default=None, json_schema_extra=left_out_not_null, examples=["PT72H"]
    )

    given_not_null = field_validator("urgent", "high", "normal", "low", mode="before")(_not_null)


class StationPatch(_Body):
    """What an administrator changes on a station; fields left out keep their value."""

    name: str | None = Field(None, min_length=1, max_length=64, json_schema_extra=_LEFT_OUT)
    name_en: str | None = Field(None, max_length=128, description="empty: none")
    department: str | None = Field(None, max_length=32, json_schema_extra=_LEFT_OUT)
    calendar: str | None = Field(None, max_length=32, json_schema_extra=_LEFT_OUT)
    accept_within: Duration | None = Field(None, examples=["PT30M"], json_schema_extra=_LEFT_OUT)
    time_limits: TimeLimitsIn | None = Field(None, json_schema_extra=_LEFT_OUT)

    given_not_null = field_validator(
        "name", "department", "calendar", "accept_within", "time_limits", mode="before"
    )(_not_null)


class StationIn(StationPatch):
    """A new station: code, name, department and calendar; accept time and time limits
    default to PT30M and PT4H/PT8H/PT24H/PT72H."""

    code: str = Field(pattern=STATION_CODE.pattern, examples=["core"])
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

    model_config = ConfigDict(regex_engine="python-re")  # the code's pattern looks ahead

    code: str = Field(
        max_length=96, pattern=f"^{CODE_PATTERN}(?!\\n)$", examples=["signal/indoor/basement"]
    )
    name: str = Field(min_length=1, max_length=64, pattern=r"\S", examples=["地下室无信号"])
    parent: str | None = Field(default=None, examples=["signal/indoor"])
    name_en: str | None = Field(default=None, max_length=128, examples=["No signal in basement"])
    station: str | None = Field(default=None, description="categories only")


class NodePatch(_Body):
    """What an administrator changes on a category or cause; fields left out keep their
    value. `parent` moves the node (null: to the top level); its code never changes."""

    name: str | None = Field(None, min_length=1, max_length=64, json_schema_extra=_LEFT_OUT)
    name_en: str | None = Field(default=None, max_length=128)
    parent: str | None = None
    station: str | None = Field(default=None, description="categories only")

    given_not_null = field_validator("name", mode="before")(_not_null)
