"""Plain INSERTs of append-only rows, and INSERT … ON CONFLICT DO NOTHING for SQLite and
PostgreSQL alike."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Insert, Table, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def row_insert(model: type[Any]) -> Insert:
    """An INSERT into the model's table that bypasses the unit of work: for append-only rows
    (history, audit) that the writing transaction never reads back as objects. Build it once
    and execute it with a dict of column values."""
    return insert(cast(Table, model.__table__))


def insert_ignore(session: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """Insert a row unless it collides with a unique key; whether it was inserted."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
    # SQLAlchemy reports an INSERT's rowcount only when asked to (-1 on psycopg otherwise).
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
