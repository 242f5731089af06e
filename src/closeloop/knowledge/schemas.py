"""API shapes for knowledge articles, search, suggestions and the self-service bot."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
    model_validator,
)

from closeloop.customers.schemas import Msisdn
from closeloop.kit.timefmt import IsoDate, Timestamp

CATEGORY_PATTERN = r"^[a-z0-9_]+(/[a-z0-9_]+)*$"
CATEGORY = re.compile(CATEGORY_PATTERN.removesuffix("$") + r"\Z")
EXTERNAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")


def _category_path(value: str) -> str:
    if not CATEGORY.match(value):
        raise ValueError("a category path such as signal/indoor (lower case, / between)")
    return value


# A category path (signal/indoor): the check and its description in one type.
CategoryPath = Annotated[
    str,
    AfterValidator(_category_path),
    Field(max_length=96, json_schema_extra={"pattern": CATEGORY_PATTERN}),
]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _clean_list(values: list[str], what: str, limit: int) -> list[str]:
    cleaned = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    if len(cleaned) > limit:
        raise ValueError(f"at most {limit} {what}")
    if any(len(v) > 200 for v in cleaned):
        raise ValueError(f"each of the {what} has at most 200 characters")
    return cleaned


class ArticleFields(_Body):
    """What an editor writes; every field optional so PATCH can change a few."""

    category: CategoryPath | None = None
    question: str | None = Field(default=None, min_length=2, max_length=300)
    answer: str | None = Field(default=None, min_length=1, max_length=20000)
    similar_questions: list[str] | None = None
    tags: list[str] | None = None
    valid_from: IsoDate | None = None
    valid_to: IsoDate | None = None
    script: dict[str, Any] | None = None

    @field_validator("similar_questions")
    @classmethod
    def _similar(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_list(value, "similar questions", 50)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_list(value, "tags", 30)

    @model_validator(mode="after")
    def _dates_in_order(self) -> ArticleFields:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValueError("valid_to is before valid_from")
        return self


class ArticleIn(ArticleFields):
    """A new article (a draft): category, question and answer are required."""

    external_id: str | None = Field(default=None, max_length=64)
    category: CategoryPath
    question: str = Field(min_length=2, max_length=300)
    answer: str = Field(min_length=1, max_length=20000)

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, value: str | None) -> str | None:
        if value is not None and not EXTERNAL_ID.match(value):
            raise ValueError("letters, digits and . _ : - only, at most 64")
        return value


class NoteBody(_Body):
    """A workflow action with an optional note (reject needs one)."""

    note: str = Field(default="", max_length=2000)


class RollbackBody(_Body):
    """Publish the content of an earlier version again, as a new version."""

    version: int = Field(ge=1)
    note: str = Field(default="", max_length=2000)


class UseBody(_Body):
    """An agent used this article's answer in a ticket."""

    ticket_id: str = Field(min_length=1, max_length=20)


class FeedbackBody(_Body):
    """Was the article helpful?"""

    helpful: StrictBool
    comment: str = Field(default="", max_length=1000)


class ArticleOut(BaseModel):
    """An article as staff see it: the working copy, or the live copy for readers."""

    id: str
    external_id: str
    status: str
    revision: int
    live_version: int | None
    category: str
    question: str
    answer: str
    answer_html: str
    similar_questions: list[str]
    tags: list[str]
    valid_from: date | None
    valid_to: date | None
    expired: bool
    script: dict[str, Any] | None
    script_outline: list[str]
    allowed_actions: list[str]
    review_note: str
    usage: dict[str, int]
    created_by: str
    updated_by: str
    created_at: Timestamp
    updated_at: Timestamp


class ArticlePage(BaseModel):
    """A page of articles."""

    items: list[ArticleOut]
    next_cursor: str | None


class VersionOut(BaseModel):
    """One publication of an article."""

    number: int
    published_by: str
    published_at: Timestamp
    note: str
    content: dict[str, Any] | None = None


class FieldDiff(BaseModel):
    """How one field changed between two versions (unified diff lines)."""

    field: str
    before: Any
    after: Any
    diff: list[str]


class DiffOut(BaseModel):
    """The differences between two versions (or a version and the working copy)."""

    from_version: int
    to_version: int | str
    changes: list[FieldDiff]


class SearchItem(BaseModel):
    """One search hit (CONTRACT §4)."""

    id: str
    external_id: str
    question: str
    category: str
    score: float


class SearchOut(BaseModel):
    """Search results with the time taken."""

    items: list[SearchItem]
    took_ms: float


class SuggestItem(SearchItem):
    """A suggestion for a ticket, with what the agent needs to answer from it."""

    answer: str
    answer_html: str
    script_outline: list[str]


class SuggestOut(BaseModel):
    """Suggestions for a ticket or for text typed at intake."""

    items: list[SuggestItem]
    took_ms: float


class ChatIn(_Body):
    """A customer's message to the self-service bot (CONTRACT §4)."""

    message: str = Field(min_length=1, max_length=1000)
    msisdn: Msisdn | None = None
    session_id: str | None = Field(default=None, max_length=36)


class ChatOut(BaseModel):
    """The bot's reply (CONTRACT §4, plus what a chat widget can show)."""

    session_id: str
    reply: str
    article_external_id: str | None
    confidence: float
    handoff: bool
    ticket_id: str | None
    kind: str
    options: list[str] = []


class ChatFeedbackIn(_Body):
    """A bot user rates the last answer of their conversation."""

    session_id: str = Field(min_length=1, max_length=36)
    helpful: StrictBool
