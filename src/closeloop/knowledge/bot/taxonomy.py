"""Mapping an article's category path onto a leaf of the ticket taxonomy (工单分类)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from closeloop.organisation.models import Category


def leaf_category(session: Session, path: str | None, fallback: str) -> str:
    """The leaf a ticket about `path` should use: the path itself when it is a leaf, else the
    first leaf under its nearest existing ancestor; `fallback` when nothing fits. Retired
    categories are passed over: new tickets cannot use them."""
    parts = (path or "").strip("/").split("/") if path else []
    while parts:
        code = "/".join(parts)
        if _active(session, code):
            leaf = _first_leaf(session, code)
            if leaf:
                return leaf
        parts.pop()
    return _first_leaf(session, fallback) or fallback


def _active(session: Session, code: str) -> bool:
    found = session.get(Category, code)
    return found is not None and found.retired_at is None


def _first_leaf(session: Session, code: str) -> str | None:
    current = code
    for _ in range(5):
        child = session.scalar(
            select(Category.code)
            .where(Category.parent == current, Category.retired_at.is_(None))
            .order_by(Category.code)
            .limit(1)
        )
        if child is None:
            return current if _active(session, current) else None
        current = child
    return current
