"""Backup of the embedded database (备份): a consistent copy of the SQLite file while the server
runs, through SQLite's online backup API.

The copy is taken in steps (for a progress bar) inside one read transaction of the source: in
WAL mode (the engine's) writers go on meanwhile, and the copy is the database as it stood when
the backup began. Without that transaction SQLite starts a step-wise backup over whenever
another connection writes, so under steady traffic it would never end. The copy is written
next to the target under a temporary name and renamed into place when complete, so a file with
the target's name is always a whole backup. PostgreSQL has its own tools (`pg_dump`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from closeloop.kit.errors import Conflict, InvalidInput

PAGES_PER_STEP = 1024  # 4 MiB of 4 KiB pages between progress updates

Progress = Callable[[int, int], None]  # (pages copied, pages in all)


@dataclass(frozen=True)
class Backup:
    """A finished backup: where it is, how many pages and bytes it holds."""

    path: Path
    pages: int
    size: int


def sqlite_file(database_url: str) -> Path:
    """The file of an embedded (SQLite) database URL; a clear refusal for any other."""
    try:
        url = make_url(database_url)
    except ArgumentError as exc:
        raise InvalidInput(f"CLOSELOOP_DATABASE_URL is not a database URL: {exc}") from exc
    if url.get_backend_name() != "sqlite":
        raise InvalidInput(
            f"closeloop backup copies the embedded SQLite database; this one is "
            f"{url.get_backend_name()}: back it up with its own tools, e.g. "
            f"`pg_dump --format=custom --file=closeloop.dump DBNAME` (restore: pg_restore)"
        )
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory"):
        raise InvalidInput("an in-memory database has no file to back up")
    path = Path(url.database)
    if not path.is_file():
        raise InvalidInput(f"no database file at {path}")
    return path


@dataclass(frozen=True)
class BackupPlan:
    """A backup checked and ready to run: the database file and where its copy goes."""

    source: Path
    target: Path

    def run(self, progress: Progress | None = None, pages_per_step: int = PAGES_PER_STEP) -> Backup:
        """Copy the database, consistent as of the moment this starts, to the target."""
        partial = self.target.with_name(f".{self.target.name}.partial-{os.getpid()}")
        try:
            pages = _copy(self.source, partial, progress, pages_per_step)
            os.replace(partial, self.target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        return Backup(self.target, pages, self.target.stat().st_size)


def plan_backup(database_url: str, target: Path, *, overwrite: bool = False) -> BackupPlan:
    """Check that the embedded database can be copied to `target` (refusals name why)."""
    source = sqlite_file(database_url)
    target = target.resolve()
    if target == source.resolve():
        raise InvalidInput("the backup cannot overwrite the database it copies")
    if target.exists() and not overwrite:
        raise Conflict(f"{target} exists; choose another name or pass --overwrite")
    if not target.parent.is_dir():
        raise InvalidInput(f"no folder {target.parent} to write the backup in")
    return BackupPlan(source, target)


def _copy(source_path: Path, partial: Path, progress: Progress | None, step: int) -> int:
    """Copy page by page within one read transaction of the source; the pages copied."""
    source = sqlite3.connect(source_path, isolation_level=None, timeout=60)
    copy = sqlite3.connect(partial)
    copied = 0

    def report(_status: int, remaining: int, total: int) -> None:
        nonlocal copied
        copied = total - remaining
        if progress is not None:
            progress(copied, total)

    try:
        source.execute("BEGIN")  # one snapshot for every step: writers go on, no restarts
        source.execute("SELECT count(*) FROM sqlite_master").fetchone()
        source.backup(copy, pages=step, progress=report)
        source.execute("COMMIT")
        check = copy.execute("PRAGMA quick_check").fetchone()
        if check is None or check[0] != "ok":
            raise InvalidInput(f"the copy did not check out: {check}")
    finally:
        copy.close()
        source.close()
    return copied
