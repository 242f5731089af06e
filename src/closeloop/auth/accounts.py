"""Administering users without a developer (用户管理): find them, change their name, roles,
station and whether they may sign in, reset a password, end all their sessions — each change
audited with before and after."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from closeloop.auth import audit, throttle, users
from closeloop.auth.models import RolePermission, User, UserRole
from closeloop.auth.tokens import revoke_all
from closeloop.kit.errors import Conflict, InvalidInput
from closeloop.runtime.work import Work

MANAGE = "users.manage"


class _Keep(Enum):
    KEEP = "keep"


KEEP: Final = _Keep.KEEP
"""A field of a change left as it is."""

Keep = Literal[_Keep.KEEP]


@dataclass(frozen=True)
class UserChange:
    """What an admin changes about a user; a field left at KEEP stays as it is (station None
    unbinds the user from their station)."""

    display_name: str | Keep = KEEP
    roles: Sequence[str] | Keep = KEEP
    station: str | Keep | None = KEEP
    disabled: bool | Keep = KEEP


def find_users(
    session: Session,
    *,
    role: str | None = None,
    station: str | None = None,
    active: bool | None = None,
    text: str | None = None,
    offset: int = 0,
    limit: int | None = None,
) -> list[User]:
    """Users by name, optionally only those holding a role, at a station, active or not, or
    whose username or display name contains `text`; `limit` of them from `offset` (a page)."""
    query = select(User).order_by(User.username)
    if role:
        query = query.where(
            select(UserRole.user_id)
            .where(UserRole.user_id == User.id, UserRole.role_code == role)
            .exists()
        )
    if station:
        query = query.where(User.station_code == station)
    if active is not None:
        query = query.where(User.active.is_(active))
    if text:
        pattern = f"%{text.strip().lower()}%"
        query = query.where(
            or_(
                func.lower(User.username).like(pattern), func.lower(User.display_name).like(pattern)
            )
        )
    if offset:
        query = query.offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def recent_failures(work: Work, accounts: Sequence[User]) -> dict[str, int]:
    """Each user's failed sign-ins of the last ten minutes (one query for all of them)."""
    return throttle.recent_failures(work.session, [u.username for u in accounts], clock=work.clock)


def update_user(work: Work, username: str, change: UserChange) -> User:
    """Change a user's display name, roles, station or whether they may sign in (disabling ends
    their sessions). 409 when it would leave no active user who can manage users."""
    session = work.session
    user = users.get_by_username(session, username)
    roles = user.role_codes if change.roles is KEEP else sorted(set(change.roles))
    station = user.station_code if change.station is KEEP else change.station
    if change.roles is not KEEP or change.station is not KEEP:
        users.check_roles(session, roles, station)
    name = user.display_name if change.display_name is KEEP else change.display_name.strip()
    if not name or len(name) > 64:
        raise InvalidInput.field("display_name", "1–64 characters")
    active = user.active if change.disabled is KEEP else not change.disabled
    _keep_a_manager(session, user, roles, active)

    lines = []
    if name != user.display_name:
        lines.append(f"display_name: {user.display_name!r} → {name!r}")
        user.display_name = name
    if roles != user.role_codes:
        lines.append(f"roles: {','.join(user.role_codes)} → {','.join(roles)}")
        user.roles = [r for r in user.roles if r.role_code in roles] + [
            UserRole(role_code=code) for code in roles if code not in user.role_codes
        ]
    if station != user.station_code:
        lines.append(f"station: {user.station_code or '-'} → {station or '-'}")
        user.station_code = station
    if lines:
        session.flush()
        audit.record(
            session, work.actor, "user.update", "user", user.id, "; ".join(lines), clock=work.clock
        )
    if active != user.active:
        toggle = users.enable_user if active else users.disable_user
        toggle(session, work.actor, username, clock=work.clock)
    return user


def _keep_a_manager(session: Session, user: User, roles: list[str], active: bool) -> None:
    """409 when the change takes `users.manage` from the last active user who holds it."""
    if not user.active or MANAGE not in users.permissions_of(session, user.role_codes):
        return
    if active and MANAGE in users.permissions_of(session, roles):
        return
    others = session.scalar(
        select(func.count(func.distinct(User.id)))
        .join(UserRole, UserRole.user_id == User.id)
        .join(RolePermission, RolePermission.role_code == UserRole.role_code)
        .where(RolePermission.permission == MANAGE, User.active.is_(True), User.id != user.id)
    )
    if not others:
        raise Conflict(
            f"{user.username} is the last active user who can manage users ({MANAGE}); "
            "give another user that permission first"
        )


def reset_password(work: Work, username: str, password: str) -> int:
    """An admin sets a new password: the user's tokens and console sessions end, their
    sign-in lockout is lifted. How many tokens were revoked."""
    return users.set_password(work.session, work.actor, username, password, clock=work.clock)


def sign_out(work: Work, username: str) -> int:
    """Force sign-out (强制下线): revoke every token of the user, which ends their API
    clients and console sessions at their next request. How many were revoked."""
    user = users.get_by_username(work.session, username)
    revoked = revoke_all(work.session, user.id, clock=work.clock)
    audit.record(
        work.session, work.actor, "user.sign_out", "user", user.id,
        f"tokens revoked: {revoked}", clock=work.clock,
    )  # fmt: skip
    return revoked
