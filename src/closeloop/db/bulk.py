"""Set-wise upserts by a unique key: executemany on SQLite, COPY into a staging table on PostgreSQL.

Both report how many rows were inserted and how many changed; rows identical to what is stored
are left alone, so loading the same data twice changes nothing.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

_SQLITE_IN_CHUNK = 30000


@dataclass(frozen=True)
class UpsertCounts:
    """What an upsert did."""

    inserted: int
    updated: int
    unchanged: int


def _count_existing(conn: Connection, table: str, key: str, keys: Sequence[Any]) -> int:
    raw = conn.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    found = 0
    for start in range(0, len(keys), _SQLITE_IN_CHUNK):
        chunk = keys[start : start + _SQLITE_IN_CHUNK]
        marks = ",".join("?" * len(chunk))
        cursor.execute(f"SELECT count(*) FROM {table} WHERE {key} IN ({marks})", chunk)
        found += cursor.fetchone()[0]
    cursor.close()
    return found


def upsert(
    conn: Connection,
    table: str,
    key: str,
    columns: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> UpsertCounts:
    """Insert new keys and update changed rows.

    `rows` hold the values of `columns`, the key first; keys are unique within `rows`.
    """
    if not rows:
        return UpsertCounts(0, 0, 0)
    if columns[0] != key:
        raise ValueError("the key must be the first column")
    if conn.dialect.name == "postgresql":
        return _upsert_postgresql(conn, table, key, columns, rows)
    return _upsert_sqlite(conn, table, key, columns, rows)


def _update_clauses(table: str, key: str, columns: Sequence[str], distinct: str) -> tuple[str, str]:
    others = [c for c in columns if c != key]
    assignments = ", ".join(f"{c} = excluded.{c}" for c in others)
    differs = " OR ".join(f"{table}.{c} {distinct} excluded.{c}" for c in others)
    return assignments, differs


def _upsert_sqlite(
    conn: Connection, table: str, key: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> UpsertCounts:
    existing = _count_existing(conn, table, key, [r[0] for r in rows])
    assignments, differs = _update_clauses(table, key, columns, "IS NOT")
    statement = (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))}) "
        f"ON CONFLICT({key}) DO UPDATE SET {assignments} WHERE {differs}"
    )
    raw = conn.connection.driver_connection
    cursor = raw.cursor()  # type: ignore[union-attr]
    cursor.executemany(statement, rows)
    changed = cursor.rowcount
    cursor.close()
    inserted = len(rows) - existing
    updated = changed - inserted
    return UpsertCounts(inserted, updated, existing - updated)


def _upsert_postgresql(
    conn: Connection, table: str, key: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
) -> UpsertCounts:
    raw = conn.connection.driver_connection
    column_list = ", ".join(columns)
    staging = f"staging_{table}"
    with raw.cursor() as cursor:  # type: ignore[union-attr]
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS {staging} ON COMMIT DROP AS "
            f"SELECT {column_list} FROM {table} WITH NO DATA"
        )
        cursor.execute(f"TRUNCATE {staging}")
        with cursor.copy(f"COPY {staging} ({column_list}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(f"SELECT count(*) FROM {staging} s JOIN {table} t ON t.{key} = s.{key}")
        existing = cursor.fetchone()[0]
        assignments, differs = _update_clauses(table, key, columns, "IS DISTINCT FROM")
        cursor.execute(
            f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {staging} "
            f"ON CONFLICT ({key}) DO UPDATE SET {assignments} WHERE {differs}"
        )
        changed = cursor.rowcount
    inserted = len(rows) - existing
    updated = changed - inserted
    return UpsertCounts(inserted, updated, existing - updated)


class UpsertPipeline:
    """Upserts batches on a writer thread while the caller prepares the next batch.

    The database driver releases the GIL while it writes, so parsing and writing overlap on
    two cores; the queue holds at most two batches, so memory stays bounded.
    """

    def __init__(self, conn: Connection, table: str, key: str, columns: Sequence[str]) -> None:
        self.conn, self.table, self.key, self.columns = conn, table, key, columns
        self.inserted = self.updated = self.unchanged = 0
        self._queue: queue.Queue[list[tuple[Any, ...]] | None] = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._write, name=f"upsert-{table}", daemon=True)
        self._thread.start()

    def _write(self) -> None:
        while (rows := self._queue.get()) is not None:
            if self._error is not None:
                continue  # drain after a failure
            try:
                counts = upsert(self.conn, self.table, self.key, self.columns, rows)
            except BaseException as exc:  # re-raised in the caller's thread
                self._error = exc
                continue
            self.inserted += counts.inserted
            self.updated += counts.updated
            self.unchanged += counts.unchanged

    def submit(self, rows: list[tuple[Any, ...]]) -> None:
        """Queue a batch (keys unique within it); raises a failure of an earlier batch."""
        if self._error is not None:
            self.close()
        self._queue.put(rows)

    def close(self) -> UpsertCounts:
        """Wait for every queued batch; raises the first failure."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()
        if self._error is not None:
            raise self._error
        return UpsertCounts(self.inserted, self.updated, self.unchanged)
