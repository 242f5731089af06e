"""Alembic environment: CloseLoop's metadata, batch mode on SQLite."""

from __future__ import annotations

import re

from alembic import context
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from alembic.util import CommandError
from sqlalchemy import Connection

from closeloop.config import get_settings
from closeloop.db.engine import make_null_pool_engine
from closeloop.modules import metadata

config = context.config
target_metadata = metadata()


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def _number_new_revision(
    migration_context: MigrationContext, _revision: object, directives: list[MigrationScript]
) -> None:
    """`alembic revision` numbers the new revision after the existing ones ("0008" when there
    are seven) so the file (alembic.ini: `%(rev)s_%(slug)s`) sorts in chain order, and asks
    for a message that makes an ASCII slug ("tickets add x" → 0008_tickets_add_x.py)."""
    script = migration_context.script
    if script is None:
        return
    existing = {known.revision for known in script.walk_revisions()}
    for offset, directive in enumerate(directives):
        rev_id = f"{len(existing) + 1 + offset:04d}"
        if rev_id in existing:
            raise CommandError(f"revision {rev_id} exists already: are the numbers in step?")
        slug = "_".join(re.findall(r"\w+", directive.message or "")).lower()
        if not re.fullmatch(r"[a-z0-9_]+", slug):
            raise CommandError(
                'name the change in English, domain first: -m "tickets add escalation level"'
            )
        directive.rev_id = rev_id


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        process_revision_directives=_number_new_revision,
    )


def run_migrations_offline() -> None:
    """Emit SQL without a database."""
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        process_revision_directives=_number_new_revision,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run against the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_null_pool_engine(_url())
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # Batch mode rebuilds a table to change it; with foreign keys on, dropping the old
            # copy would cascade to every table that refers to it. Checked once at the end.
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()
        if sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"migration left rows without their parent: {broken[:5]}")
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
