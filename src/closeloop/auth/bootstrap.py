"""Writes the default roles and their permissions as data (run by `closeloop migrate`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import Role, RolePermission


def sync_roles(
    session: Session, roles: Mapping[str, str], grants: Mapping[str, Iterable[str]]
) -> int:
    """Add missing roles and default grants; grants an operator removed are re-added. Count.

    `roles` and `grants` come from the module manifest (closeloop.modules)."""
    added = 0
    known_roles = set(session.scalars(select(Role.code)))
    for code, name in roles.items():
        if code not in known_roles:
            session.add(Role(code=code, name=name))
            added += 1
    session.flush()
    granted = {(r.role_code, r.permission) for r in session.scalars(select(RolePermission))}
    for role, permissions in grants.items():
        for permission in sorted(permissions):
            if (role, permission) not in granted:
                session.add(RolePermission(role_code=role, permission=permission))
                added += 1
    session.flush()
    return added
