"""API shapes for sign-in, the current user, users and the audit log."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from closeloop.kit.timefmt import Timestamp


class TokenRequest(BaseModel):
    """Credentials for a bearer token."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class TokenOut(BaseModel):
    """A bearer token (CONTRACT §4)."""

    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeOut(BaseModel):
    """The signed-in user."""

    username: str
    display_name: str
    roles: list[str]
    station: str | None
    permissions: list[str]
    language: str | None = None


class MeUpdate(BaseModel):
    """What a user may change about themselves."""

    model_config = ConfigDict(extra="forbid")

    language: Literal["zh-CN", "en"] | None


class UserIn(BaseModel):
    """A new user."""

    model_config = ConfigDict(extra="forbid")

    username: str
    password: str
    roles: list[str]
    station: str | None = None
    display_name: str = ""


class UserOut(BaseModel):
    """A user account."""

    id: str
    username: str
    display_name: str
    roles: list[str]
    station: str | None
    active: bool


class AuditOut(BaseModel):
    """One audit entry."""

    id: str
    at: Timestamp
    actor: str
    action: str
    entity_type: str
    entity_id: str
    summary: str
    request_id: str | None
    client_address: str | None


class AuditPage(BaseModel):
    """A page of audit entries, newest first."""

    items: list[AuditOut]
    next_cursor: str | None
