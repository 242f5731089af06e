"""The actor: who is acting, with which roles, station and permissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from closeloop.kit.errors import Forbidden


@dataclass(frozen=True)
class Actor:
    """Who performs an action; every service call takes one."""

    username: str
    user_id: int | None = None
    roles: tuple[str, ...] = ()
    station: str | None = None
    permissions: frozenset[str] = field(default_factory=frozenset)
    language: str | None = None

    def can(self, permission: str) -> bool:
        """Whether this actor holds the permission."""
        return permission in self.permissions

    def require(self, permission: str) -> None:
        """Raise 403 unless this actor holds the permission."""
        if not self.can(permission):
            raise Forbidden(f"permission {permission!r} is required")

    def has_role(self, *roles: str) -> bool:
        """Whether this actor holds any of the roles."""
        return any(r in self.roles for r in roles)


SYSTEM = Actor(username="system", roles=("system",))
