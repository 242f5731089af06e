"""What each role may do, as data an admin edits (角色权限): the matrix of roles and their
permissions, the catalogue of permissions, and replacing a role's permissions (audited)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from closeloop.auth import audit
from closeloop.auth.accounts import MANAGE
from closeloop.auth.models import Permission, Role, RolePermission
from closeloop.kit.errors import Conflict, InvalidInput, NotFound
from closeloop.runtime.work import Work


@dataclass(frozen=True)
class RoleGrants:
    """A role with the permissions it grants, sorted."""

    code: str
    name: str
    permissions: list[str]


def catalogue(session: Session) -> dict[str, str]:
    """Every permission an admin can grant, with what it allows (from the module manifest)."""
    rows = session.execute(
        select(Permission.code, Permission.description).order_by(Permission.code)
    )
    return {code: description for code, description in rows}


def matrix(session: Session) -> list[RoleGrants]:
    """Every role with its permissions (two queries however many roles there are)."""
    granted: dict[str, list[str]] = defaultdict(list)
    for role, permission in session.execute(
        select(RolePermission.role_code, RolePermission.permission).order_by(
            RolePermission.role_code, RolePermission.permission
        )
    ):
        granted[role].append(permission)
    return [
        RoleGrants(role.code, role.name, granted[role.code])
        for role in session.scalars(select(Role).order_by(Role.code))
    ]


def role_grants(session: Session, code: str) -> RoleGrants:
    """One role with its permissions, or 404."""
    role = session.get(Role, code)
    if role is None:
        raise NotFound(f"no role {code!r}")
    permissions = session.scalars(
        select(RolePermission.permission)
        .where(RolePermission.role_code == code)
        .order_by(RolePermission.permission)
    )
    return RoleGrants(role.code, role.name, list(permissions))


def _check_grants(code: str, wanted: list[str], known: Iterable[str]) -> None:
    """422 naming any permission not in the catalogue; 409 when `admin` would lose
    `users.manage` (nobody could change users or roles any more)."""
    known = set(known)
    errors = [
        {"loc": ["permissions", i], "msg": f"unknown permission {p!r}"}
        for i, p in enumerate(wanted)
        if p not in known
    ]
    if errors:
        unknown = ", ".join(p for p in wanted if p not in known)
        raise InvalidInput(f"permissions: unknown permission(s): {unknown}", errors)
    if code == "admin" and MANAGE not in wanted:
        raise Conflict(f"the admin role must keep {MANAGE!r}, or nobody could manage users")


def set_permissions(work: Work, code: str, permissions: Iterable[str]) -> RoleGrants:
    """Replace what a role may do; holders of the role have the new permissions from their next
    request. 422 naming any permission not in the catalogue; 409 when `admin` would lose
    `users.manage` (nobody could change users or roles any more)."""
    session = work.session
    before = role_grants(session, code)
    wanted = list(dict.fromkeys(permissions))
    _check_grants(code, wanted, catalogue(session))
    after = sorted(wanted)
    added = sorted(set(after) - set(before.permissions))
    removed = sorted(set(before.permissions) - set(after))
    if not added and not removed:
        return before
    if removed:
        session.execute(
            delete(RolePermission).where(
                RolePermission.role_code == code, RolePermission.permission.in_(removed)
            )
        )
    session.add_all(RolePermission(role_code=code, permission=p) for p in added)
    session.flush()
    audit.record(
        session, work.actor, "role.permissions", "role", code,
        f"added: {_codes(added)}; removed: {_codes(removed)}; "
        f"before: {_codes(before.permissions)}; after: {_codes(after)}",
        clock=work.clock,
    )  # fmt: skip
    return RoleGrants(before.code, before.name, after)


def set_matrix(work: Work, grants: Mapping[str, Iterable[str]]) -> list[RoleGrants]:
    """Replace what several roles may do at once: every role is checked first (404 for an
    unknown role, 422 and 409 as `set_permissions`), so a refusal changes none of them."""
    session = work.session
    known = catalogue(session)
    wanted = {code: list(dict.fromkeys(permissions)) for code, permissions in grants.items()}
    for code, permissions in wanted.items():
        role_grants(session, code)
        _check_grants(code, permissions, known)
    return [set_permissions(work, code, permissions) for code, permissions in wanted.items()]


def _codes(codes: Iterable[str]) -> str:
    return ",".join(codes) or "-"
