"""Schema migrations (Alembic) run from code: upgrade, and drift between models and migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from closeloop.db.base import Base
from closeloop.db.engine import make_null_pool_engine

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic configuration for the packaged migrations and this database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Create or upgrade the schema."""
    command.upgrade(alembic_config(url), revision)


def drift(url: str, metadata: MetaData = Base.metadata) -> list[Any]:
    """Differences between the models and a migrated database (empty when in step).

    Every model must be imported first: `closeloop.modules` does that."""
    engine = make_null_pool_engine(url)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "render_as_batch": True}
            )
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()
