"""Migrations match the models; SQLite has WAL and foreign keys; the audit log is append-only."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from closeloop.auth.audit import record
from closeloop.db.engine import Database
from closeloop.db.migrate import drift, upgrade
from closeloop.kit.actor import SYSTEM


def test_models_and_migrations_do_not_drift(db_url: str) -> None:
    assert drift(db_url) == []


def test_upgrade_is_repeatable(db_url: str) -> None:
    upgrade(db_url)
    assert drift(db_url) == []


def test_sqlite_pragmas(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("SQLite only")
    with database.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_foreign_keys_are_enforced(database: Database) -> None:
    with pytest.raises(DatabaseError), database.unit_of_work() as session:
        session.execute(
            text(
                "INSERT INTO customers (msisdn, name, region, plan_id) "
                "VALUES ('13800000000', 'x', 'y', 999999)"
            )
        )


@pytest.mark.parametrize("statement", ["UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"])
def test_audit_log_refuses_update_and_delete(database: Database, statement: str) -> None:
    with database.unit_of_work() as session:
        record(session, SYSTEM, "test", "thing", 1, "")
    with pytest.raises(DatabaseError, match="append-only"), database.unit_of_work() as session:
        session.execute(text(statement))
