"""API shapes of surveys (CONTRACT §7)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from closeloop.customers.schemas import Msisdn
from closeloop.quality.instruments import Instrument


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ItemOut(BaseModel):
    """One question of an instrument."""

    code: str
    text: str
    text_en: str
    dimension: str | None
    min: int
    max: int
    reverse: bool


class InstrumentOut(BaseModel):
    """An instrument with its items in order."""

    code: str
    name: str
    name_en: str
    items: list[ItemOut]

    @classmethod
    def of(cls, instrument: Instrument) -> InstrumentOut:
        """The shape of an instrument."""
        return cls(
            code=instrument.code, name=instrument.name, name_en=instrument.name_en,
            items=[ItemOut(**vars(i)) for i in instrument.items],
        )  # fmt: skip


class SurveyIn(_Body):
    """A campaign: to these numbers, or to a random sample (of a region or segment, stratified
    by region or segment when asked; `seed` makes the draw reproducible)."""

    instrument: str = Field(min_length=1, max_length=16)
    name: str = Field(min_length=1, max_length=200)
    msisdns: list[Msisdn] | None = Field(default=None, min_length=1, max_length=100_000)
    sample: int | None = Field(default=None, ge=1, le=100_000)
    region: str | None = Field(default=None, max_length=32)
    segment: str | None = Field(default=None, max_length=32)
    stratify: Literal["region", "segment"] | None = None
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)

    @model_validator(mode="after")
    def _one_target(self) -> SurveyIn:
        if (self.msisdns is None) == (self.sample is None):
            raise ValueError("give either msisdns or sample")
        return self


class SurveyCreated(BaseModel):
    """A started campaign and how many customers were invited."""

    id: str
    invited: int


class SurveyOut(BaseModel):
    """A survey as listed."""

    id: str
    instrument: str
    name: str
    source: str
    created_by: str
    created_at: str


class ResponseIn(_Body):
    """A customer's answers, by the token of their personal link."""

    token: str = Field(min_length=1, max_length=64)
    answers: dict[str, Any]
    comment: str | None = Field(default=None, max_length=1000)


class ResponseOut(BaseModel):
    """A recorded response; a detractor's follow-up ticket."""

    id: str
    survey_id: str
    followup_ticket_id: str | None
