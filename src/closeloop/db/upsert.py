"""INSERT … ON CONFLICT DO NOTHING for SQLite and PostgreSQL alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignore(session: Session, model: type[Any], values: dict[str, Any]) -> bool:
    """Insert a row unless it collides with a unique key; whether it was inserted."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(model).values(**values).on_conflict_do_nothing()
    # SQLAlchemy reports an INSERT's rowcount only when asked to (-1 on psycopg otherwise).
    result = session.execute(statement, execution_options={"preserve_rowcount": True})
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]
