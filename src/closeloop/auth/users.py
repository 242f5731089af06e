"""User accounts: create, change password, disable and enable, list, and load an actor."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from closeloop.auth import audit, throttle
from closeloop.auth.models import Role, RolePermission, User, UserRole
from closeloop.auth.passwords import MIN_PASSWORD_LENGTH, hash_password
from closeloop.auth.schemas import USERNAME_PATTERN
from closeloop.auth.tokens import revoke_all
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.errors import Conflict, InvalidInput, NotFound

USERNAME = re.compile(USERNAME_PATTERN.removesuffix("$") + r"\Z")


# Users are bound to a station by its code (a foreign key). Stations belong to `organisation`,
# which sits above the auth kernel, so only the columns read here are named.
_STATIONS = table("stations", column("code"), column("retired_at"))


def _check_station(session: Session, station: str) -> None:
    """A station users may be bound to: it exists and is not retired (422 naming `station`)."""
    found = session.execute(
        select(_STATIONS.c.retired_at).where(_STATIONS.c.code == station)
    ).first()
    if found is None:
        raise InvalidInput.field("station", f"no station {station!r}")
    if found[0] is not None:
        raise InvalidInput.field("station", f"station {station!r} is retired")


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput.field(
            "password", f"must be at least {MIN_PASSWORD_LENGTH} characters long"
        )


def check_roles(session: Session, roles: Sequence[str], station: str | None) -> None:
    """422 unless the roles exist (at least one) and the station, if any, exists; station
    staff must be bound to a station."""
    if not roles:
        raise InvalidInput.field("roles", "at least one role is required")
    known = set(session.scalars(select(Role.code)))
    unknown = sorted(set(roles) - known)
    if unknown:
        raise InvalidInput.field("roles", f"unknown role(s): {', '.join(unknown)}")
    if "station" in roles and not station:
        raise InvalidInput.field("station", "station staff must be bound to a station")
    if station:
        _check_station(session, station)


def create_user(
    session: Session,
    by: Actor,
    username: str,
    password: str,
    roles: list[str],
    *,
    station: str | None = None,
    display_name: str = "",
    clock: Clock = system_clock,
) -> User:
    """Create a user with roles; station staff must be bound to exactly one station."""
    if not USERNAME.match(username):
        raise InvalidInput.field(
            "username", "use 2–64 lowercase letters, digits, dot, dash or underscore"
        )
    _check_password(password)
    if len(display_name.strip()) > 64:
        raise InvalidInput.field("display_name", "at most 64 characters")
    check_roles(session, roles, station)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} already exists")
    user = User(
        username=username,
        display_name=display_name.strip() or username,
        password_hash=hash_password(password),
        station_code=station,
        active=True,
        created_at=clock.now(),
        roles=[UserRole(role_code=r) for r in sorted(set(roles))],
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        by,
        "user.create",
        "user",
        user.id,
        f"display_name={user.display_name!r} roles={','.join(user.role_codes)} "
        f"station={station or '-'}",
        clock=clock,
    )
    return user


def get_by_username(session: Session, username: str) -> User:
    """The user with this name, or 404."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def set_password(
    session: Session, by: Actor, username: str, password: str, *, clock: Clock = system_clock
) -> int:
    """Replace a user's password (a reset by an admin): every token and console session of
    theirs ends, and their sign-in lockout is lifted. How many tokens were revoked."""
    _check_password(password)
    user = get_by_username(session, username)
    user.password_hash = hash_password(password)
    revoked = revoke_all(session, user.id, clock=clock)
    throttle.clear_user(session, user.username)
    summary = f"tokens revoked: {revoked}"
    audit.record(session, by, "user.set_password", "user", user.id, summary, clock=clock)
    return revoked


def set_station(
    session: Session, by: Actor, username: str, station: str | None, *, clock: Clock = system_clock
) -> User:
    """Bind a user to a station (None: to none); audited with before and after. Station staff
    cannot be left without a station (409): bind them to another one instead."""
    user = get_by_username(session, username)
    if user.station_code == station:
        return user
    if station is None and "station" in user.role_codes:
        raise Conflict(
            f"{username} is station staff and must stay bound to a station: "
            "bind them to another station instead"
        )
    if station is not None:
        _check_station(session, station)
    summary = f"station: {user.station_code or '(none)'} → {station or '(none)'}"
    user.station_code = station
    audit.record(session, by, "user.set_station", "user", user.id, summary, clock=clock)
    return user


def station_members(session: Session, station: str) -> list[User]:
    """The users bound to a station, by name."""
    return list(
        session.scalars(select(User).where(User.station_code == station).order_by(User.username))
    )


LANGUAGES = ("zh-CN", "en")


def set_language(
    session: Session, actor: Actor, language: str | None, *, clock: Clock = system_clock
) -> User:
    """The user's own console language (None: the site's default)."""
    if language is not None and language not in LANGUAGES:
        raise InvalidInput.field("language", f"one of {', '.join(LANGUAGES)}, or null")
    user = get_by_username(session, actor.username)
    if user.language != language:
        user.language = language
        summary = f"language={language or 'default'}"
        audit.record(session, actor, "user.set_language", "user", user.id, summary, clock=clock)
    return user


def disable_user(
    session: Session, by: Actor, username: str, *, clock: Clock = system_clock
) -> User:
    """Disable a user: they can no longer sign in and their tokens are revoked (so enabling
    them again does not bring old sessions back)."""
    user = get_by_username(session, username)
    if user.active:
        user.active = False
        revoked = revoke_all(session, user.id, clock=clock)
        summary = f"active: true → false; tokens revoked: {revoked}"
        audit.record(session, by, "user.disable", "user", user.id, summary, clock=clock)
    return user


def enable_user(session: Session, by: Actor, username: str, *, clock: Clock = system_clock) -> User:
    """Let a disabled user sign in again."""
    user = get_by_username(session, username)
    if not user.active:
        user.active = True
        summary = "active: false → true"
        audit.record(session, by, "user.enable", "user", user.id, summary, clock=clock)
    return user


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def permissions_of(session: Session, roles: list[str]) -> frozenset[str]:
    """The union of the permissions the roles grant (read from the role_permissions table)."""
    if not roles:
        return frozenset()
    rows = session.scalars(
        select(RolePermission.permission).where(RolePermission.role_code.in_(roles))
    )
    return frozenset(rows)


def actor_for(session: Session, user: User) -> Actor:
    """The actor a signed-in user acts as."""
    roles = user.role_codes
    return Actor(
        username=user.username,
        user_id=user.id,
        roles=tuple(roles),
        station=user.station_code,
        permissions=permissions_of(session, roles),
        language=user.language,
    )
