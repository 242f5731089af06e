"""API shapes for plans, customers, contacts and the timeline."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from closeloop.customers.choices import Channel
from closeloop.customers.rules import (
    EMAIL_PATTERN,
    MSISDN_PATTERN,
    id_number_problem,
    msisdn_problem,
)
from closeloop.kit.timefmt import IsoDate, Timestamp, iso_text


def _check_msisdn(value: str) -> str:
    problem = msisdn_problem(value)
    if problem:
        raise ValueError(f"not a mainland mobile number: {problem}")
    return value


# A mainland mobile number (11 digits, 1[3-9]…): the check and its description in one type.
Msisdn = Annotated[
    str,
    AfterValidator(_check_msisdn),
    Field(
        min_length=11, max_length=11, json_schema_extra={"pattern": MSISDN_PATTERN},
        examples=["13812345678"],
    ),
]  # fmt: skip


# An instant with its offset: a contact's start or end.
Instant = Annotated[AwareDatetime, BeforeValidator(iso_text)]

# A contact longer than a day is a mistake in the phone system's report, not a call.
MAX_CONTACT_SECONDS = 24 * 3600


class PlanOut(BaseModel):
    """A tariff plan."""

    code: str
    name: str
    monthly_fee: float
    data_mb: int
    voice_min: int
    sms: int


class CustomerIn(BaseModel):
    """A new customer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    msisdn: Msisdn
    name: str = Field(min_length=1, max_length=64)
    region: str = Field(min_length=1, max_length=32)
    plan_code: str = Field(min_length=1, max_length=32)
    join_date: IsoDate | None = None
    id_number: str | None = None
    segment: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL_PATTERN)
    deposit: Decimal | None = Field(
        default=None, ge=0, le=Decimal("99999999.99"), decimal_places=2,
        description="deposit taken at sign-up (押金), yuan",
    )  # fmt: skip
    sales_channel: str | None = Field(
        default=None, min_length=1, max_length=32, description="where the line was sold (销售渠道)"
    )

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        problem = id_number_problem(value)
        if problem:
            raise ValueError(f"not a valid ID number: {problem}")
        return value.upper()


class CustomerOut(BaseModel):
    """A customer as a caller may see them (masked unless allowed)."""

    id: str
    msisdn: str
    name: str
    region: str
    plan_code: str
    plan_name: str
    join_date: date | None
    id_number: str | None
    segment: str | None
    deposit: float | None = None
    sales_channel: str | None = None
    masked: bool


class CustomerPage(BaseModel):
    """A page of customers."""

    items: list[CustomerOut]
    next_cursor: str | None


class ContactIn(BaseModel):
    """A contact to record on the customer's timeline."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Channel
    summary: str = Field(min_length=1, max_length=2000)
    started_at: Instant | None = Field(
        default=None, description="when the contact began (default: now)"
    )
    ended_at: Instant | None = Field(
        default=None, description="when it ended, for a contact recorded afterwards"
    )
    duration_seconds: int | None = Field(
        default=None, ge=0, le=MAX_CONTACT_SECONDS, description="handling time, if not ended_at"
    )

    @model_validator(mode="after")
    def _one_end(self) -> ContactIn:
        if self.ended_at is not None and self.duration_seconds is not None:
            raise ValueError("give ended_at or duration_seconds, not both")
        return self


class ContactEnd(BaseModel):
    """The end of a contact (`POST /api/v1/contacts/{id}/end`)."""

    model_config = ConfigDict(extra="forbid")

    at: Instant | None = Field(default=None, description="when it ended (default: now)")


class ContactOut(BaseModel):
    """A recorded contact and its handling time."""

    id: str
    customer_id: str
    at: Timestamp
    channel: str
    agent: str
    ended_at: Timestamp | None
    duration_seconds: int | None


class TimelineEntry(BaseModel):
    """One thing that happened with a customer."""

    kind: str
    id: str
    at: Timestamp
    title: str
    detail: dict[str, Any] = Field(default_factory=dict)


class Timeline(BaseModel):
    """A customer's contacts, tickets and notifications, newest first."""

    customer_id: str
    items: list[TimelineEntry]


def decimal_to_float(value: Decimal) -> float:
    """A money amount as a JSON number with two decimals."""
    return float(round(value, 2))
