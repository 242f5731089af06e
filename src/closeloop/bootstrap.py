"""Default data every installation needs, written by `closeloop migrate` when missing."""

from __future__ import annotations

from sqlalchemy.orm import Session

from closeloop.auth.bootstrap import sync_roles
from closeloop.tickets.compensation import sync_rules


def sync_defaults(session: Session) -> int:
    """Roles with their permissions and compensation rules; how many rows were added."""
    return sync_roles(session) + sync_rules(session)
