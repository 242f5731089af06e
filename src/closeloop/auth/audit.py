"""The audit trail (审计日志): append one entry per state change or unmasked read."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from closeloop.auth.models import AuditEntry
from closeloop.db.upsert import row_insert
from closeloop.kit.actor import Actor
from closeloop.kit.clock import Clock, system_clock
from closeloop.kit.request_context import client_address_var, request_id_var


def record(
    session: Session,
    actor: Actor,
    action: str,
    entity_type: str,
    entity_id: str | int,
    summary: str = "",
    *,
    clock: Clock = system_clock,
) -> None:
    """Add an audit entry to the caller's transaction (a plain INSERT: entries are never read
    back in the transaction that writes them, so no ORM object is kept)."""
    entry = dict(
        at=clock.now(),
        actor=actor.username,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        summary=summary[:2000],
        request_id=request_id_var.get(),
        client_address=client_address_var.get(),
    )
    session.execute(_INSERT, entry)


_INSERT = row_insert(AuditEntry)


def record_many(
    session: Session,
    actor: Actor,
    entries: Sequence[tuple[str, str, str | int, str]],
    *,
    clock: Clock = system_clock,
) -> None:
    """Add many audit entries (action, entity type, entity id, summary) in one statement: the
    same rows as `record` once per entry, for a bulk change."""
    if not entries:
        return
    at, request_id, address = clock.now(), request_id_var.get(), client_address_var.get()
    rows = [
        dict(
            at=at, actor=actor.username, action=action, entity_type=entity_type,
            entity_id=str(entity_id), summary=summary[:2000], request_id=request_id,
            client_address=address,
        )
        for action, entity_type, entity_id, summary in entries
    ]  # fmt: skip
    session.execute(_INSERT, rows)


def list_entries(
    session: Session,
    *,
    entity_type: str | None = None,
    entity_id: str | None = None,
    actor: str | None = None,
    before_id: int | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """Audit entries, newest first, optionally for one record or one actor."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if entity_type:
        query = query.where(AuditEntry.entity_type == entity_type)
    if entity_id:
        query = query.where(AuditEntry.entity_id == entity_id)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query))


def last_id(session: Session) -> int:
    """The id of the newest audit entry this transaction sees (0 when there is none)."""
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def entries_since(
    session: Session, after_id: int, *, action: str, actor: str | None = None
) -> list[AuditEntry]:
    """The entries of one action written after `after_id` (e.g. what a change just caused),
    oldest first."""
    query = select(AuditEntry).where(AuditEntry.id > after_id, AuditEntry.action == action)
    if actor:
        query = query.where(AuditEntry.actor == actor)
    return list(session.scalars(query.order_by(AuditEntry.id)))
