"""Rate-limit hits kept in a table (`kit.ratelimit.HitLog`), so that every server process
counts the same hits; they are written in the caller's session and commit with its work."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session


class TableHitLog:
    """The hits of one table, read and written through a session.

    `row` is a mapped class with one hit per row: a `subject` (str) and an `at` (UTC) column
    (`auth.models.LoginFailure`, `knowledge.models.ChatHit`)."""

    def __init__(self, session: Session, row: type[Any]) -> None:
        self.session, self.row = session, row

    def count_since(self, subject: str, since: datetime) -> tuple[int, datetime | None]:
        """How many hits of the subject came strictly after `since`, and the earliest."""
        count, oldest = self.session.execute(
            select(func.count(), func.min(self.row.at)).where(
                self.row.subject == subject, self.row.at > since
            )
        ).one()
        return int(count), oldest

    def add(self, subject: str, at: datetime) -> None:
        """Keep one hit (written with the session's next flush)."""
        self.session.add(self.row(subject=subject, at=at))

    def prune(self, before: datetime) -> None:
        """Forget every subject's hits strictly before `before`."""
        self.session.execute(delete(self.row).where(self.row.at < before))

    def forget(self, subject: str) -> None:
        """Forget all of one subject's hits."""
        self.session.execute(delete(self.row).where(self.row.subject == subject))
