"""API shapes for sign-in, the current user, users, roles and the audit log."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from closeloop.auth.passwords import MIN_PASSWORD_LENGTH
from closeloop.kit.fields import left_out_not_null
from closeloop.kit.timefmt import Timestamp

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9._-]{1,63}$"  # 2–64 lowercase letters, digits, . _ -

Password = Field(min_length=MIN_PASSWORD_LENGTH, max_length=256)


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

    username: str = Field(pattern=USERNAME_PATTERN, examples=["agent3"])
    password: str = Password
    roles: list[str] = Field(min_length=1)
    station: str | None = None
    display_name: str = ""


class UserOut(BaseModel):
    """A user account, with its sign-in history."""

    id: str
    username: str
    display_name: str
    roles: list[str]
    station: str | None
    active: bool
    created_at: Timestamp
    last_sign_in_at: Timestamp | None
    failed_sign_ins: int = Field(description="failed sign-ins since the last successful one")
    recent_failed_sign_ins: int = Field(description="failed sign-ins of the last ten minutes")
    last_failed_sign_in_at: Timestamp | None


class UserPatch(BaseModel):
    """What an admin changes about a user; a field left out stays as it is."""

    model_config = ConfigDict(extra="forbid")

    display_name: str | None = Field(None, max_length=64, json_schema_extra=left_out_not_null)
    roles: list[str] | None = Field(None, min_length=1, json_schema_extra=left_out_not_null)
    station: str | None = Field(default=None, description="null unbinds the user's station")
    disabled: StrictBool | None = Field(None, json_schema_extra=left_out_not_null)

    @field_validator("display_name", "roles", "disabled", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        # Only called for a field that was sent: null there means nothing, so say so.
        if value is None:
            raise ValueError("may not be null; leave the field out to keep it")
        return value


class PasswordIn(BaseModel):
    """A new password an admin sets for a user."""

    model_config = ConfigDict(extra="forbid")

    password: str = Password


class SignedOut(BaseModel):
    """What ending a user's sessions did."""

    username: str
    revoked_tokens: int


class PermissionOut(BaseModel):
    """A permission of the catalogue."""

    code: str
    description: str


class RoleOut(BaseModel):
    """A role with what it may do."""

    code: str
    name: str
    permissions: list[str]


class RolesOut(BaseModel):
    """The roles × permissions matrix with the catalogue of permissions."""

    roles: list[RoleOut]
    permissions: list[PermissionOut]


class RolePermissionsIn(BaseModel):
    """The whole set of permissions a role grants from now on."""

    model_config = ConfigDict(extra="forbid")

    permissions: list[str]


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
