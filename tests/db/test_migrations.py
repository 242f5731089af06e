"""Migrations in order: the files are numbered along the revision chain, `alembic revision`
numbers and names the next one, and every downgrade undoes its upgrade (schemas compared by
inspection) without emptying the tables it keeps."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from alembic.script import Script, ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, create_engine, inspect, text

from closeloop.db.engine import make_null_pool_engine
from closeloop.db.migrate import MIGRATIONS, alembic_config, drift, upgrade
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]
FILE_NAME = re.compile(r"^\d{4}_[a-z0-9_]+\.py$")


def _chain(migrations: Path) -> list[Script]:
    """The revisions from base to head."""
    return list(reversed(list(ScriptDirectory(str(migrations)).walk_revisions())))


def _check_versions(migrations: Path) -> list[str]:
    """Every file in versions/ is NNNN_domain_change.py, numbered 0001… without gaps, and the
    numbers follow the down_revision chain, which is a single line to one head."""
    names = sorted(p.name for p in (migrations / "versions").iterdir() if p.name != "__pycache__")
    assert [n for n in names if not FILE_NAME.match(n)] == []
    assert [int(n[:4]) for n in names] == list(range(1, len(names) + 1))
    scripts = ScriptDirectory(str(migrations))
    assert len(scripts.get_heads()) == 1
    chain = _chain(migrations)
    assert [Path(s.path).name for s in chain] == names
    parents = [None, *(s.revision for s in chain[:-1])]
    assert [s.down_revision for s in chain] == parents
    for name, script in zip(names, chain, strict=True):
        if re.fullmatch(r"\d{4}", script.revision):  # new revisions are numbered like their file
            assert script.revision == name[:4]
    return names


def test_files_are_numbered_in_revision_order() -> None:
    assert len(_check_versions(MIGRATIONS)) >= 7


@pytest.fixture
def scratch_migrations(tmp_path: Path) -> Config:
    """alembic.ini as a developer runs it, on a copy of the migrations and a scratch database."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(copy))
    config.set_main_option("sqlalchemy.url", f"sqlite:///{tmp_path / 'scratch.db'}")
    return config


def _ruff(*args: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--config", str(ROOT / "pyproject.toml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_alembic_revision_writes_the_next_number(scratch_migrations: Config) -> None:
    copy = Path(scratch_migrations.get_main_option("script_location") or "")
    count = len(_check_versions(copy))
    head = ScriptDirectory(str(copy)).get_current_head()

    first = command.revision(scratch_migrations, message="tickets add x")
    second = command.revision(scratch_migrations, message="Care: drop the y index")

    assert isinstance(first, Script) and isinstance(second, Script)
    assert Path(first.path).name == f"{count + 1:04d}_tickets_add_x.py"
    assert (first.revision, first.down_revision) == (f"{count + 1:04d}", head)
    assert Path(second.path).name == f"{count + 2:04d}_care_drop_the_y_index.py"
    assert (second.revision, second.down_revision) == (f"{count + 2:04d}", first.revision)
    assert len(_check_versions(copy)) == count + 2
    _ruff("check", first.path, second.path)
    _ruff("format", "--check", first.path, second.path)


def test_alembic_revision_wants_an_english_message(scratch_migrations: Config) -> None:
    versions = Path(scratch_migrations.get_main_option("script_location") or "") / "versions"
    before = sorted(versions.iterdir())
    with pytest.raises(CommandError, match="in English"):
        command.revision(scratch_migrations, message="工单 加字段")
    assert sorted(versions.iterdir()) == before


@pytest.fixture
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it (the `db_url` ones are migrated and seeded)."""
    if BACKEND == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server_url: str = request.getfixturevalue("server_url")
    name = f"e_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def _sorted(items: Any) -> list[Any]:
    return sorted(items, key=repr)


def _objects_outside_tables(conn: Connection) -> dict[str, list[Any]]:
    """Triggers, functions and sequences (what a forgotten DROP would leave behind)."""
    if conn.dialect.name == "sqlite":
        rows = conn.execute(
            text("SELECT type, name, tbl_name FROM sqlite_master WHERE type IN ('trigger', 'view')")
        )
        return {"objects": _sorted(tuple(row) for row in rows)}
    queries = {
        "triggers": "SELECT tgname, tgrelid::regclass::text FROM pg_trigger WHERE NOT tgisinternal",
        "functions": "SELECT p.proname FROM pg_proc p JOIN pg_namespace n "
        "ON n.oid = p.pronamespace WHERE n.nspname = 'public'",
        "sequences": "SELECT sequence_name FROM information_schema.sequences "
        "WHERE sequence_schema = 'public'",
        "types": "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
        "WHERE n.nspname = 'public' AND t.typtype IN ('e', 'd')",
    }
    return {key: _sorted(tuple(row) for row in conn.execute(text(q))) for key, q in queries.items()}


def _schema(url: str) -> dict[str, Any]:
    """Tables (columns, keys, indexes, unique constraints) and the other schema objects,
    leaving out Alembic's own version table."""
    engine = make_null_pool_engine(url)
    try:
        with engine.connect() as conn:
            inspector = inspect(conn)
            tables = {}
            for table in sorted(set(inspector.get_table_names()) - {"alembic_version"}):
                tables[table] = {
                    "columns": [
                        (c["name"], str(c["type"]), c["nullable"], c.get("default"))
                        for c in inspector.get_columns(table)
                    ],
                    "primary_key": inspector.get_pk_constraint(table)["constrained_columns"],
                    "foreign_keys": _sorted(
                        (
                            fk["name"],
                            fk["constrained_columns"],
                            fk["referred_table"],
                            fk["referred_columns"],
                            fk.get("options", {}).get("ondelete"),
                        )
                        for fk in inspector.get_foreign_keys(table)
                    ),
                    "indexes": _sorted(
                        (i["name"], i["column_names"], bool(i["unique"]))
                        for i in inspector.get_indexes(table)
                    ),
                    "unique_constraints": _sorted(
                        (u["name"], u["column_names"])
                        for u in inspector.get_unique_constraints(table)
                    ),
                }
            return {"tables": tables, **_objects_outside_tables(conn)}
    finally:
        engine.dispose()


def _nothing(schema: dict[str, Any]) -> bool:
    return all(not value for value in schema.values())


def test_downgrade_to_base_and_upgrade_to_head_give_the_same_schema(empty_db_url: str) -> None:
    upgrade(empty_db_url)
    at_head = _schema(empty_db_url)
    assert at_head["tables"]

    command.downgrade(alembic_config(empty_db_url), "base")
    assert _nothing(_schema(empty_db_url)), _schema(empty_db_url)

    upgrade(empty_db_url)
    assert _schema(empty_db_url) == at_head
    assert drift(empty_db_url) == []


def test_each_downgrade_undoes_exactly_its_upgrade(empty_db_url: str) -> None:
    config = alembic_config(empty_db_url)
    chain = _chain(MIGRATIONS)
    schemas = [_schema(empty_db_url)]
    for script in chain:
        command.upgrade(config, script.revision)
        schemas.append(_schema(empty_db_url))
    assert _nothing(schemas[0])

    for script, before in zip(reversed(chain), reversed(schemas[:-1]), strict=True):
        command.downgrade(config, "-1")
        assert _schema(empty_db_url) == before, f"{Path(script.path).name}: downgrade() differs"


BEFORE_TMF = "ae5080d131e3"  # 0004_knowledge_foundation: what is above it changes `tickets`
KEPT_ROWS = {
    "tickets": "SELECT count(*) FROM tickets",
    "ticket_events": "SELECT count(*) FROM ticket_events",
    "ticket_breaches": "SELECT count(*) FROM ticket_breaches",
    "ticket_station_visits": "SELECT count(*) FROM ticket_station_visits",
    "compensations": "SELECT count(*) FROM compensations",
    "notifications of a ticket": "SELECT count(ticket_id) FROM notifications",
}


def _kept_rows(url: str) -> dict[str, int]:
    engine = make_null_pool_engine(url)
    try:
        with engine.connect() as conn:
            return {name: int(conn.execute(text(q)).scalar_one()) for name, q in KEPT_ROWS.items()}
    finally:
        engine.dispose()


def test_downgrades_keep_the_rows_of_the_tables_they_keep(db_url: str) -> None:
    """Dropping a column of `tickets` must not empty the tables that refer to it (on SQLite a
    batch-mode rebuild drops the old table, and with foreign keys on that cascades)."""
    before = _kept_rows(db_url)
    assert all(before.values()), before

    command.downgrade(alembic_config(db_url), BEFORE_TMF)
    assert _kept_rows(db_url) == before

    upgrade(db_url)
    assert _kept_rows(db_url) == before
    assert drift(db_url) == []
