"""Writes the default roles, the permission catalogue and new default grants as data (run by
`closeloop migrate`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.auth.models import OfferedGrant, Permission, Role, RolePermission


def sync_roles(
    session: Session,
    roles: Mapping[str, str],
    grants: Mapping[str, Iterable[str]],
    permissions: Mapping[str, str] | None = None,
) -> int:
    """Add missing roles, the catalogue of permissions and default grants never offered before;
    how many roles and grants were added.

    A default grant is offered once: it is recorded in `offered_grants`, so a grant an operator
    has since removed is not added again, while a new module's permissions still reach the
    roles its manifest names. `roles`, `grants` and `permissions` (code → what it allows) come
    from the module manifest (closeloop.modules)."""
    added = 0
    known_roles = set(session.scalars(select(Role.code)))
    for code, name in roles.items():
        if code not in known_roles:
            session.add(Role(code=code, name=name))
            added += 1
    _sync_catalogue(session, permissions or {})
    session.flush()
    offered = {(o.role_code, o.permission) for o in session.scalars(select(OfferedGrant))}
    granted = {(r.role_code, r.permission) for r in session.scalars(select(RolePermission))}
    for role, codes in grants.items():
        for permission in sorted(codes):
            if (role, permission) in offered:
                continue  # offered before: the operator's choice since then stands
            session.add(OfferedGrant(role_code=role, permission=permission))
            if (role, permission) not in granted:
                session.add(RolePermission(role_code=role, permission=permission))
                added += 1
    session.flush()
    return added


def _sync_catalogue(session: Session, permissions: Mapping[str, str]) -> None:
    """Add new permissions to the catalogue and keep descriptions as the manifest words them
    (a permission no module declares any more stays, so grants of it can still be seen)."""
    known = {p.code: p for p in session.scalars(select(Permission))}
    for code, description in permissions.items():
        row = known.get(code)
        if row is None:
            session.add(Permission(code=code, description=description))
        elif row.description != description:
            row.description = description
