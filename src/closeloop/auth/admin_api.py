"""Users and roles without a developer (admins, `users.manage`): accounts, passwords, forced
sign-out, and what each role may do."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from closeloop.auth import accounts, roles, users
from closeloop.auth.accounts import KEEP, UserChange
from closeloop.auth.deps import work_requiring
from closeloop.auth.models import User
from closeloop.auth.schemas import (
    PasswordIn,
    PermissionOut,
    RoleOut,
    RolePermissionsIn,
    RolesOut,
    SignedOut,
    UserIn,
    UserOut,
    UserPatch,
)
from closeloop.runtime.work import Work

router = APIRouter(prefix="/api/v1", tags=["users"])

AdminWork = Annotated[Work, Depends(work_requiring(accounts.MANAGE))]


def _user_out(user: User, recent: dict[str, int]) -> UserOut:
    return UserOut(
        id=str(user.id),
        username=user.username,
        display_name=user.display_name,
        roles=user.role_codes,
        station=user.station_code,
        active=user.active,
        created_at=user.created_at,
        last_sign_in_at=user.last_sign_in_at,
        failed_sign_ins=user.failed_sign_ins,
        recent_failed_sign_ins=recent.get(user.username, 0),
        last_failed_sign_in_at=user.last_failed_sign_in_at,
    )


def _one(work: Work, user: User) -> UserOut:
    return _user_out(user, accounts.recent_failures(work, [user]))


@router.get("/users", response_model=list[UserOut])
def list_users(
    work: AdminWork,
    role: str | None = None,
    station: str | None = None,
    active: bool | None = None,
    q: str | None = None,
) -> list[UserOut]:
    """User accounts by name; filter by `role`, `station`, `active`, or `q` (part of the
    username or display name)."""
    found = accounts.find_users(work.session, role=role, station=station, active=active, text=q)
    recent = accounts.recent_failures(work, found)
    return [_user_out(u, recent) for u in found]


@router.post("/users", status_code=201, response_model=UserOut)
def create_user(body: UserIn, work: AdminWork) -> UserOut:
    """Create a user account."""
    user = users.create_user(
        work.session,
        work.actor,
        body.username,
        body.password,
        body.roles,
        station=body.station,
        display_name=body.display_name,
        clock=work.clock,
    )
    return _user_out(user, {})


@router.get("/users/{username}", response_model=UserOut)
def get_user(username: str, work: AdminWork) -> UserOut:
    """One user account with its last sign-in and failed attempts."""
    return _one(work, users.get_by_username(work.session, username))


@router.patch("/users/{username}", response_model=UserOut)
def update_user(username: str, body: UserPatch, work: AdminWork) -> UserOut:
    """Change a user's display name, roles, station (null unbinds it) or `disabled`
    (disabling ends their sessions)."""
    sent = body.model_fields_set
    change = UserChange(
        display_name=body.display_name if body.display_name is not None else KEEP,
        roles=body.roles if body.roles is not None else KEEP,
        station=body.station if "station" in sent else KEEP,
        disabled=body.disabled if body.disabled is not None else KEEP,
    )
    return _one(work, accounts.update_user(work, username, change))


@router.post("/users/{username}/password", response_model=SignedOut)
def reset_password(username: str, body: PasswordIn, work: AdminWork) -> SignedOut:
    """Set a new password for a user; their tokens and console sessions end."""
    revoked = accounts.reset_password(work, username, body.password)
    return SignedOut(username=username, revoked_tokens=revoked)


@router.post("/users/{username}/sign-out", response_model=SignedOut)
def sign_out(username: str, work: AdminWork) -> SignedOut:
    """Force sign-out: revoke every token of the user (API clients and console sessions)."""
    return SignedOut(username=username, revoked_tokens=accounts.sign_out(work, username))


def _role_out(role: roles.RoleGrants) -> RoleOut:
    return RoleOut(code=role.code, name=role.name, permissions=role.permissions)


@router.get("/roles", response_model=RolesOut)
def list_roles(work: AdminWork) -> RolesOut:
    """Every role with its permissions, and the catalogue of permissions with what each allows."""
    return RolesOut(
        roles=[_role_out(r) for r in roles.matrix(work.session)],
        permissions=[
            PermissionOut(code=code, description=text)
            for code, text in roles.catalogue(work.session).items()
        ],
    )


@router.put("/roles/{code}/permissions", response_model=RoleOut)
def set_role_permissions(code: str, body: RolePermissionsIn, work: AdminWork) -> RoleOut:
    """Replace what a role may do; its holders have the new permissions from their next
    request."""
    return _role_out(roles.set_permissions(work, code, body.permissions))
